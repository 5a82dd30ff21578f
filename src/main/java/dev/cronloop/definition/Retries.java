package dev.cronloop.definition;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * Retry policy: at most {@code max} extra attempts, exponential backoff from {@code backoff} with
 * full jitter, after an attempt that failed in one of the {@code on} ways.
 */
public record Retries(int max, Duration backoff, Set<RetryOn> on) {
  /** Connect errors, timeouts and 5xx: what a retry can plausibly cure. */
  public static final Set<RetryOn> DEFAULT_ON =
      Set.copyOf(EnumSet.of(RetryOn.CONNECT, RetryOn.TIMEOUT, RetryOn.STATUS_5XX));

  public static final Retries NONE = new Retries(0, Duration.ofMillis(200));

  public Retries {
    on = Set.copyOf(on);
  }

  public Retries(int max, Duration backoff) {
    this(max, backoff, DEFAULT_ON);
  }
}
