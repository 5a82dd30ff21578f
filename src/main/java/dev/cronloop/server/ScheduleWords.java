package dev.cronloop.server;

import java.time.DayOfWeek;
import java.time.Month;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A schedule expression in plain English for the status page: {@code *}{@code /10 * * * * ?}
 * reads "every 10 seconds", {@code 30 9 * * MON-FRI} reads "at 09:30 on weekdays". It covers the
 * common shapes; anything else is shown as the expression itself (the page prints both). Pure.
 */
final class ScheduleWords {
  private static final Map<String, String> MACROS = Map.of(
      "@yearly", "every year on 1 January at 00:00",
      "@annually", "every year on 1 January at 00:00",
      "@monthly", "on day 1 of every month at 00:00",
      "@weekly", "every Sunday at 00:00",
      "@daily", "every day at 00:00",
      "@midnight", "every day at 00:00",
      "@hourly", "every hour at minute 0");
  private static final Pattern NUMBER = Pattern.compile("\\d{1,2}");
  private static final Pattern NUMBERS = Pattern.compile("\\d{1,2}(,\\d{1,2})+");
  private static final Pattern STEP = Pattern.compile("(\\*|0)/(\\d+)");
  private static final Pattern EVERY = Pattern.compile("@every\\s+((\\d+[hms])+)");

  private ScheduleWords() {}

  /** Plain words for {@code expression}, or the expression itself when no rule fits. */
  static String describe(String expression) {
    String e = expression.trim().replaceAll("\\s+", " ");
    String lower = e.toLowerCase(Locale.ROOT);
    if (MACROS.containsKey(lower)) {
      return MACROS.get(lower);
    }
    var every = EVERY.matcher(lower);
    if (every.matches()) {
      return "every " + durationWords(every.group(1));
    }
    String[] f = e.split(" ");
    String[] q; // second minute hour day-of-month month day-of-week
    boolean unix = f.length == 5;
    if (unix) {
      q = new String[] {"0", f[0], f[1], f[2], f[3], f[4]};
    } else if ((f.length == 6 || f.length == 7) && (f.length == 6 || f[6].equals("*"))) {
      q = new String[] {f[0], f[1], f[2], f[3], f[4], f[5]};
    } else {
      return expression;
    }
    String time = time(q[0], q[1], q[2]);
    String days = days(q[3], q[4], q[5], unix);
    if (time == null || days == null) {
      return expression;
    }
    return days.isEmpty() ? time : time + " " + days;
  }

  private static String time(String sec, String min, String hour) {
    boolean anyMin = min.equals("*");
    boolean anyHour = hour.equals("*");
    var secStep = STEP.matcher(sec);
    if (secStep.matches() && anyMin && anyHour) {
      return "every " + plural(Integer.parseInt(secStep.group(2)), "second");
    }
    if (sec.equals("*") && anyMin && anyHour) {
      return "every second";
    }
    if (NUMBERS.matcher(sec).matches() && anyMin && anyHour) {
      return "at seconds " + list(sec.split(",")) + " of every minute";
    }
    if (!NUMBER.matcher(sec).matches()) {
      return null;
    }
    String atSecond = sec.equals("0") || sec.equals("00") ? "" : " at second " + Integer.parseInt(sec);
    var minStep = STEP.matcher(min);
    if (minStep.matches() && anyHour) {
      return "every " + plural(Integer.parseInt(minStep.group(2)), "minute") + atSecond;
    }
    if (anyMin && anyHour) {
      return "every minute" + atSecond;
    }
    if (!NUMBER.matcher(min).matches()) {
      return null;
    }
    int m = Integer.parseInt(min);
    if (anyHour) {
      return "every hour at minute " + m + atSecond;
    }
    var hourStep = STEP.matcher(hour);
    if (hourStep.matches()) {
      return "every " + plural(Integer.parseInt(hourStep.group(2)), "hour") + " at minute " + m;
    }
    if (NUMBER.matcher(hour).matches() || NUMBERS.matcher(hour).matches()) {
      List<String> times = new ArrayList<>();
      for (String h : hour.split(",")) {
        times.add(String.format(Locale.ROOT, "%02d:%02d", Integer.parseInt(h), m)
            + (atSecond.isEmpty() ? "" : String.format(Locale.ROOT, ":%02d", Integer.parseInt(sec))));
      }
      return "at " + list(times.toArray(String[]::new));
    }
    return null;
  }

  private static String days(String dom, String month, String dow, boolean unix) {
    boolean anyDom = dom.equals("*") || dom.equals("?");
    boolean anyDow = dow.equals("*") || dow.equals("?");
    String in = "";
    if (!month.equals("*")) {
      if (!NUMBER.matcher(month).matches()) {
        return null;
      }
      in = " in " + Month.of(Integer.parseInt(month)).getDisplayName(TextStyle.FULL, Locale.ENGLISH);
    }
    if (anyDom && anyDow) {
      return in.isEmpty() ? "" : "every day" + in;
    }
    if (anyDow && NUMBER.matcher(dom).matches()) {
      return "on day " + Integer.parseInt(dom) + " of " + (in.isEmpty() ? "every month" : in.substring(4));
    }
    if (anyDom) {
      String d = dow.toUpperCase(Locale.ROOT);
      // Unix counts Sunday as 0 (or 7), Quartz as 1: the same weekdays are 1-5 and 2-6.
      if (d.equals("MON-FRI") || d.equals(unix ? "1-5" : "2-6")) {
        return "on weekdays" + in;
      }
      if (d.equals("SAT,SUN") || d.equals("SUN,SAT")) {
        return "on weekends" + in;
      }
      DayOfWeek day = dayOfWeek(d);
      if (day != null) {
        return "on " + day.getDisplayName(TextStyle.FULL, Locale.ENGLISH) + "s" + in;
      }
    }
    return null;
  }

  /** A day named MON..SUN; numbers are left out, as Unix and Quartz count them differently. */
  private static DayOfWeek dayOfWeek(String d) {
    for (DayOfWeek day : DayOfWeek.values()) {
      if (day.name().startsWith(d) && d.length() == 3) {
        return day;
      }
    }
    return null;
  }

  private static String durationWords(String text) {
    List<String> parts = new ArrayList<>();
    var m = Pattern.compile("(\\d+)([hms])").matcher(text);
    while (m.find()) {
      int n = Integer.parseInt(m.group(1));
      String unit = switch (m.group(2)) {
        case "h" -> "hour";
        case "m" -> "minute";
        default -> "second";
      };
      parts.add(n == 1 && parts.isEmpty() && m.hitEnd() ? unit : n + " " + unit + (n == 1 ? "" : "s"));
    }
    return String.join(" ", parts);
  }

  private static String plural(int n, String unit) {
    return n == 1 ? unit : n + " " + unit + "s";
  }

  private static String list(String[] items) {
    if (items.length == 1) {
      return items[0];
    }
    return String.join(", ", List.of(items).subList(0, items.length - 1)) + " and " + items[items.length - 1];
  }
}
