package dev.cronloop.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Optional;

/**
 * A cron expression (Unix, Quartz or a macro) read in one zone, with Vixie cron's rule for
 * daylight saving time (DESIGN.md, "Schedules").
 *
 * <p>The time line is cut at the zone's offset transitions into segments of one offset each.
 * Inside a segment local time and instants move together, so the next fire is the next local
 * match converted with that offset. At the edges the rule decides: a <em>wildcard</em> job (its
 * minute or hour field starts with {@code *}) fires at every local match that exists, so a gap
 * skips its times and an overlap fires them twice. A <em>fixed-time</em> job fires once at the
 * first instant after a gap when one or more of its local times fell into the gap, and in an
 * overlap only in the first pass. When the next local match lies beyond the current segment the
 * search moves on to the next segment; zones change offset about twice a year, so a far match
 * costs one cheap field search per segment crossed. (Jumping straight to the match would be wrong:
 * the second pass of an overlap brings back local times earlier than it.)
 */
final class CronSchedule implements Schedule {

  private final String expression;
  private final ZoneId zone;
  private final ZoneRules rules;
  private final CronFields fields;
  private final boolean wildcard;

  CronSchedule(String expression, ZoneId zone, CronFields fields, boolean wildcard) {
    this.expression = expression;
    this.zone = zone;
    this.rules = zone.getRules();
    this.fields = fields;
    this.wildcard = wildcard;
  }

  @Override
  public Optional<Instant> next(Instant after) {
    Instant from = after.plusSeconds(1).minusNanos(after.getNano()); // inclusive, whole seconds
    while (true) {
      ZoneOffset offset = rules.getOffset(from);
      ZoneOffsetTransition started = wildcard ? null : rules.previousTransition(from.plusNanos(1));
      LocalDateTime local = LocalDateTime.ofEpochSecond(from.getEpochSecond(), 0, offset);
      if (started != null && started.getInstant().equals(from) && started.isGap()
          && matchesBefore(started.getDateTimeBefore(), started.getDateTimeAfter())) {
        return Optional.of(from); // fixed-time job whose local time fell into the gap
      }
      if (started != null && started.isOverlap() && local.isBefore(started.getDateTimeBefore())) {
        local = started.getDateTimeBefore(); // fixed-time jobs fired in the first pass
      }
      LocalDateTime match = fields.nextMatch(local);
      if (match == null) {
        return Optional.empty();
      }
      ZoneOffsetTransition ends = rules.nextTransition(from);
      if (ends == null || match.isBefore(ends.getDateTimeBefore())) {
        return Optional.of(match.toInstant(offset));
      }
      from = ends.getInstant(); // an overlap ahead may bring back local times before the match
    }
  }

  private boolean matchesBefore(LocalDateTime from, LocalDateTime end) {
    LocalDateTime match = fields.nextMatch(from);
    return match != null && match.isBefore(end);
  }

  boolean wildcard() {
    return wildcard;
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
    return expression + " in " + zone;
  }
}
