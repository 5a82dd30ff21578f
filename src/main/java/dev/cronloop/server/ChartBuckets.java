package dev.cronloop.server;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The bucket width of a job's charts, adapted to the span of its data: a job with two minutes of
 * fetches gets 5-second buckets, one with a day of them 30-minute buckets, so that a fresh install
 * does not draw its whole history as one bar. Pure.
 */
final class ChartBuckets {
  /** The longest span a chart covers. */
  static final Duration WINDOW = Duration.ofHours(24);

  /** Buckets a chart aims at, at most. */
  static final int MAX_BUCKETS = 48;

  static final List<Duration> WIDTHS = List.of(
      Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
      Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(15),
      Duration.ofMinutes(30));

  private ChartBuckets() {}

  /** The narrowest width that shows the data from {@code first} to {@code now} in at most 48 buckets. */
  static Duration width(Instant first, Instant now) {
    Duration span = first == null || first.isAfter(now) ? Duration.ZERO : Duration.between(first, now);
    for (Duration w : WIDTHS) {
      if (span.toSeconds() / w.toSeconds() < MAX_BUCKETS) {
        return w;
      }
    }
    return WIDTHS.get(WIDTHS.size() - 1);
  }

  /** Where a chart of this width starts: the bucket that holds {@code first}, or a whole window back. */
  static Instant start(Instant first, Instant now, Duration width) {
    Instant from = first == null ? now.minus(WINDOW) : first;
    long w = width.toSeconds();
    return Instant.ofEpochSecond(Math.floorDiv(from.getEpochSecond(), w) * w);
  }
}
