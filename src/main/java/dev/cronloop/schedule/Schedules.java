package dev.cronloop.schedule;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads schedule expressions of every dialect DESIGN.md ("Schedules") names: Unix 5 fields with
 * Vixie cron's rules, Quartz 6 or 7 fields, the Vixie macros and {@code @every <duration>}.
 */
public final class Schedules {

  private static final Map<String, String> MACROS = Map.of(
      "@yearly", "0 0 1 1 *",
      "@annually", "0 0 1 1 *",
      "@monthly", "0 0 1 * *",
      "@weekly", "0 0 * * 0",
      "@daily", "0 0 * * *",
      "@midnight", "0 0 * * *",
      "@hourly", "0 * * * *");

  private static final Pattern DURATION = Pattern.compile("(?:(\\d{1,9})([hms]))+");
  private static final Pattern DURATION_PART = Pattern.compile("(\\d{1,9})([hms])");

  private Schedules() {}

  /**
   * Parses {@code expression} to be read in {@code zone}.
   *
   * @throws ScheduleException naming the field, the value and what is allowed, with the index of
   *     the bad part
   */
  public static Schedule parse(String expression, ZoneId zone) throws ScheduleException {
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(zone, "zone");
    List<CronParser.Token> tokens = CronParser.tokens(expression);
    if (tokens.isEmpty()) {
      throw new ScheduleException("schedule is empty; expected 5 fields (Unix), 6 or 7 (Quartz),"
          + " a macro such as @daily, or @every 5m", 0);
    }
    CronParser.Token first = tokens.get(0);
    if (first.text().startsWith("@")) {
      return macro(expression, zone, tokens);
    }
    return switch (tokens.size()) {
      case 5 -> new CronSchedule(expression, zone, CronParser.unix(tokens), wildcard(tokens, 0));
      case 6, 7 -> new CronSchedule(
          expression, zone, CronParser.quartz(tokens), wildcard(tokens, 1));
      default -> throw new ScheduleException(
          "found " + tokens.size() + (tokens.size() == 1 ? " field" : " fields")
              + "; expected 5 (Unix: minute hour day-of-month month day-of-week) or 6-7 (Quartz:"
              + " second minute hour day-of-month month day-of-week [year])",
          tokens.size() > 7 ? tokens.get(7).offset() : expression.length());
    };
  }

  /** Vixie's rule: a job is wildcard when its minute or hour field starts with {@code *}. */
  private static boolean wildcard(List<CronParser.Token> tokens, int minuteIndex) {
    return tokens.get(minuteIndex).text().startsWith("*")
        || tokens.get(minuteIndex + 1).text().startsWith("*");
  }

  private static Schedule macro(String expression, ZoneId zone, List<CronParser.Token> tokens)
      throws ScheduleException {
    CronParser.Token first = tokens.get(0);
    String name = first.text().toLowerCase(Locale.ROOT);
    if (name.equals("@every")) {
      if (tokens.size() != 2) {
        throw new ScheduleException(
            "@every: expected one duration such as 90s, 5m or 1h30m, found " + (tokens.size() - 1)
                + " words", tokens.size() > 2 ? tokens.get(2).offset() : expression.length());
      }
      CronParser.Token d = tokens.get(1);
      return new EverySchedule(expression, zone, duration("@every", d.text(), d.offset()));
    }
    String cron = MACROS.get(name);
    if (cron == null) {
      throw new ScheduleException(
          "unknown macro " + first.text() + "; use @yearly, @annually, @monthly, @weekly, @daily,"
              + " @midnight, @hourly or @every <duration>", first.offset());
    }
    if (tokens.size() > 1) {
      throw new ScheduleException(
          first.text() + " takes nothing after it, found \"" + tokens.get(1).text() + "\"",
          tokens.get(1).offset());
    }
    List<CronParser.Token> expanded = CronParser.tokens(cron);
    return new CronSchedule(expression, zone, CronParser.unix(expanded), wildcard(expanded, 0));
  }

  /**
   * Reads a duration written as hours, minutes and seconds, e.g. {@code 90s}, {@code 5m} or {@code
   * 1h30m}; it must be at least one second.
   *
   * @param what names the thing being read in the message
   */
  public static Duration duration(String what, String text, int offset) throws ScheduleException {
    String lower = text.toLowerCase(Locale.ROOT);
    if (!DURATION.matcher(lower).matches()) {
      throw new ScheduleException(
          what + ": \"" + text + "\" is not a duration; write whole hours, minutes and seconds"
              + " such as 90s, 5m or 1h30m", offset);
    }
    Duration total = Duration.ZERO;
    Matcher part = DURATION_PART.matcher(lower);
    while (part.find()) {
      long n = Long.parseLong(part.group(1));
      total = total.plus(switch (part.group(2)) {
        case "h" -> Duration.ofHours(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofSeconds(n);
      });
    }
    if (total.isZero()) {
      throw new ScheduleException(what + ": " + text + " is zero; it must be at least 1s", offset);
    }
    return total;
  }
}
