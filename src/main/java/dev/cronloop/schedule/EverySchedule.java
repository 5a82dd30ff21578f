package dev.cronloop.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * {@code @every <duration>}: fires at whole multiples of the duration since the Unix epoch, so
 * every node and every restart agrees. The zone plays no part: the multiples are instants, and a
 * daylight saving change neither skips nor repeats one.
 */
final class EverySchedule implements Schedule {

  private final String expression;
  private final ZoneId zone;
  private final long periodSeconds;

  EverySchedule(String expression, ZoneId zone, Duration period) {
    this.expression = expression;
    this.zone = zone;
    this.periodSeconds = period.getSeconds();
  }

  @Override
  public Optional<Instant> next(Instant after) {
    long k = Math.floorDiv(after.getEpochSecond(), periodSeconds) + 1;
    return Optional.of(Instant.ofEpochSecond(Math.multiplyExact(k, periodSeconds)));
  }

  /** The period. */
  Duration period() {
    return Duration.ofSeconds(periodSeconds);
  }

  @Override
  public String expression() {
    return expression;
  }

  @Override
  public ZoneId zone() {
    return zone;
  }

  @Override
  public String toString() {
    return expression;
  }
}
