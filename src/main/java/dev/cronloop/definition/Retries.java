package dev.cronloop.definition;

import java.time.Duration;

/** Retry policy: at most {@code max} extra attempts, exponential backoff from {@code backoff}. */
public record Retries(int max, Duration backoff) {
  public static final Retries NONE = new Retries(0, Duration.ofMillis(200));
}
