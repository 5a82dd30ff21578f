package dev.cronloop.definition;

/**
 * Whether, and how much of, a response body is kept with its fetch: the {@code capture} option of
 * a job or a request (src/docs/requests.md, "Body capture").
 *
 * @param maxBytes the first bytes of the body that are kept, at most {@link #MAX_BYTES}
 * @param when which fetches keep their body
 */
public record Capture(long maxBytes, When when) {
  /** The bytes kept when {@code capture} does not say: 4 KiB. */
  public static final long DEFAULT_BYTES = 4L << 10;

  /** The most a capture may keep: 64 KiB, so that a row stays small. */
  public static final long MAX_BYTES = 64L << 10;

  /** No body is kept: the default. */
  public static final Capture NEVER = new Capture(DEFAULT_BYTES, When.NEVER);

  /** Which fetches keep their body. */
  public enum When {
    /** None. */
    NEVER,
    /** Those that had a response but did not end OK (a failed check, an error status, ...). */
    FAILURE,
    /** Every fetch that had a response. */
    ALWAYS
  }

  public Capture {
    if (maxBytes < 1 || maxBytes > MAX_BYTES) {
      throw new IllegalArgumentException(
          "capture size must be 1 to " + MAX_BYTES + " bytes, got " + maxBytes);
    }
    if (when == When.NEVER) {
      maxBytes = DEFAULT_BYTES; // one value for "off", whatever size was written with it
    }
  }

  /** True when some fetches keep their body, so its first bytes must be held while it streams. */
  public boolean wanted() {
    return when != When.NEVER;
  }
}
