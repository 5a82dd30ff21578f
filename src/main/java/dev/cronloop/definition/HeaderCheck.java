package dev.cronloop.definition;

/**
 * One check of {@code expect.headers}: a response header equal to a value, or matching a regex
 * written {@code /like this/}. Exactly one of {@code value} and {@code regex} is set.
 */
public record HeaderCheck(String value, Regex regex) {
  @Override
  public String toString() {
    return regex != null ? regex.toString() : "\"" + value + "\"";
  }
}
