package dev.cronloop.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * When a job fires: its schedule's times, each moved later by the job's spread offset ({@link
 * Spread}). The one place this sum is made; the trigger layer, the engine's views and {@code
 * cronloop next} all call it, so {@code next} prints exactly what the engine fires. Pure: time is
 * an argument, never read from a clock.
 *
 * <p>Why subtract, then add: the offset shifts the whole schedule, so the first fire strictly
 * after {@code after} is the schedule's first time strictly after {@code after - offset}, plus the
 * offset. Adding the offset to the first time after {@code after} instead would skip a fire whose
 * schedule time is before {@code after} but whose shifted time is after it.
 */
public final class FireTimes {

  private FireTimes() {}

  /**
   * The first fire strictly after {@code after} of {@code schedule} moved by {@code offset}, or
   * empty when the schedule has no more.
   */
  public static Optional<Instant> next(Schedule schedule, Duration offset, Instant after) {
    Objects.requireNonNull(offset, "offset");
    return schedule.next(after.minus(offset)).map(t -> t.plus(offset));
  }

  /**
   * Where a job is armed from when it comes back after its last recorded fire {@code last}:
   * {@code last}, or, when later, the same second plus {@code offset}'s part under a second. A fire
   * recorded when spread offsets were whole seconds (10:00:07) is the same fire as today's
   * 10:00:07.300, not one missed while the engine was down.
   */
  public static Instant resumeAfter(Instant last, Duration offset) {
    Instant sameSecond = last.truncatedTo(ChronoUnit.SECONDS).plusNanos(offset.getNano());
    return sameSecond.isAfter(last) ? sameSecond : last;
  }

  /**
   * The first {@code n} fires strictly after {@code after}, earliest first; fewer when the
   * schedule runs out.
   */
  public static List<Instant> next(Schedule schedule, Duration offset, Instant after, int n) {
    List<Instant> fires = new ArrayList<>(Math.max(0, Math.min(n, 1_000)));
    Instant t = after;
    while (fires.size() < n) {
      Optional<Instant> next = next(schedule, offset, t);
      if (next.isEmpty()) {
        break;
      }
      t = next.get();
      fires.add(t);
    }
    return fires;
  }
}
