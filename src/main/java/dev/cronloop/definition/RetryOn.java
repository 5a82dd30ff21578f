package dev.cronloop.definition;

/** What a failed attempt must be for a retry ({@code retries.on} in a job file). */
public enum RetryOn {
  CONNECT("connect"),
  DNS("dns"),
  TLS("tls"),
  TIMEOUT("timeout"),
  STATUS_5XX("5xx"),
  STATUS_429("429");

  private final String word;

  RetryOn(String word) {
    this.word = word;
  }

  /** The word a job file uses. */
  public String word() {
    return word;
  }

  @Override
  public String toString() {
    return word;
  }
}
