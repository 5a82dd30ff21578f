package dev.cronloop.definition;

import dev.cronloop.schedule.Schedule;
import dev.cronloop.schedule.ScheduleException;
import java.text.ParseException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.Optional;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * The one place where job files meet the schedule parser. For now it reads Quartz 6/7-field
 * expressions with Quartz's {@link CronExpression}; when {@code Schedules.parse} lands it becomes a
 * single call to it, and this package no longer imports {@code org.quartz} (STYLE.md §1).
 */
final class ScheduleParser {

  private ScheduleParser() {}

  static Schedule parse(String expr, ZoneId zone) throws ScheduleException {
    try {
      CronExpression cron = new CronExpression(expr);
      cron.setTimeZone(TimeZone.getTimeZone(zone));
      return new QuartzSchedule(cron, expr, zone);
    } catch (ParseException e) {
      int offset = Math.max(0, Math.min(e.getErrorOffset(), Math.max(0, expr.length() - 1)));
      throw new ScheduleException(e.getMessage(), offset);
    }
  }

  private static final class QuartzSchedule implements Schedule {
    private final CronExpression cron;
    private final String expression;
    private final ZoneId zone;

    QuartzSchedule(CronExpression cron, String expression, ZoneId zone) {
      this.cron = cron;
      this.expression = expression;
      this.zone = zone;
    }

    @Override
    public Optional<Instant> next(Instant after) {
      Date next;
      synchronized (cron) {
        next = cron.getNextValidTimeAfter(Date.from(after));
      }
      return Optional.ofNullable(next).map(Date::toInstant);
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
      return expression + " (" + zone + ")";
    }
  }
}
