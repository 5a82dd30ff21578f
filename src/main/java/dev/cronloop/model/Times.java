package dev.cronloop.model;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;

/**
 * The one way cronloop prints an instant to people and scripts: ISO-8601 in UTC with exactly
 * three fractional digits, {@code 2026-12-06T09:58:12.040Z}. The API, the CLI's tables and its
 * JSON all print through here, so a time copied from one reads the same in the others, sorts as
 * text and lines up in a column ({@link Instant#toString()} drops trailing zero groups and
 * prints microseconds when the database kept them). {@link Instant#parse} reads it back. Pure.
 */
public final class Times {
  private static final DateTimeFormatter UTC_MILLIS =
      new DateTimeFormatterBuilder().appendInstant(3).toFormatter();

  private Times() {}

  /** The instant as {@code 2026-12-06T09:58:12.040Z}, or null for null. */
  public static String format(Instant instant) {
    return instant == null ? null : UTC_MILLIS.format(instant);
  }
}
