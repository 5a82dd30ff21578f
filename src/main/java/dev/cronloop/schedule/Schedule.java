package dev.cronloop.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * When a job fires: a parsed expression in one zone. Pure and immutable; safe to share between
 * threads. The rules of each dialect are fixed in DESIGN.md, "Schedules".
 */
public interface Schedule {

  /** The first fire time strictly after {@code after}, or empty when the schedule has no more. */
  Optional<Instant> next(Instant after);

  /** The expression as written. */
  String expression();

  /** The zone the expression is read in. */
  ZoneId zone();
}
