package dev.cronloop.schedule;

import java.time.LocalDateTime;
import java.time.Year;
import java.time.YearMonth;
import java.util.BitSet;

/**
 * The parsed fields of a cron expression and the search for the next local date-time they match.
 *
 * <p>The search jumps field by field, largest first (year, month, day, hour, minute, second): when a
 * field has no match left in its parent, the parent moves on by one and every smaller field resets
 * to its minimum. Each step moves forward, so a call costs a few dozen steps for ordinary
 * expressions. Days are matched a month at a time as a bit mask, which is where the day-of-month
 * and day-of-week rules (Vixie's OR, Quartz's {@code L}, {@code W} and {@code #}) are applied. The
 * Gregorian calendar repeats every 400 years, so a search that finds nothing in 400 years stops
 * and reports that the expression never matches again.
 */
final class CronFields {

  /** How the two day fields combine. */
  enum DayMode {
    /** Quartz, day-of-week is {@code ?}. */
    DAY_OF_MONTH,
    /** Quartz, day-of-month is {@code ?}. */
    DAY_OF_WEEK,
    /** Vixie, one of the day fields starts with {@code *}: a day must match both. */
    BOTH,
    /** Vixie, both day fields are restricted: a day matches if either does. */
    EITHER
  }

  /** Quartz's special day-of-month and day-of-week forms; -1 where unused. */
  record Specials(
      int lastDayMinus, boolean lastWeekday, int nearestWeekdayTo, int nthDow, int nth,
      int lastDow) {
    static final Specials NONE = new Specials(-1, false, -1, -1, -1, -1);
  }

  private static final int SEARCH_YEARS = 400;

  private final long seconds;
  private final long minutes;
  private final long hours;
  private final long daysOfMonth; // bits 1-31
  private final long months; // bits 1-12
  private final long daysOfWeek; // bits 0-6, 0 is Sunday
  private final BitSet years; // null: every year
  private final DayMode dayMode;
  private final Specials specials;

  CronFields(
      long seconds, long minutes, long hours, long daysOfMonth, long months, long daysOfWeek,
      BitSet years, DayMode dayMode, Specials specials) {
    this.seconds = seconds;
    this.minutes = minutes;
    this.hours = hours;
    this.daysOfMonth = daysOfMonth;
    this.months = months;
    this.daysOfWeek = daysOfWeek;
    this.years = years;
    this.dayMode = dayMode;
    this.specials = specials;
  }

  /**
   * The first local date-time at or after {@code from} (whole seconds; a fraction rounds up) that
   * matches every field, or null when none does.
   */
  LocalDateTime nextMatch(LocalDateTime from) {
    if (from.getNano() > 0) {
      from = from.withNano(0).plusSeconds(1);
    }
    int year = from.getYear();
    int month = from.getMonthValue();
    int day = from.getDayOfMonth();
    int hour = from.getHour();
    int minute = from.getMinute();
    int second = from.getSecond();
    long lastYear = Math.min((long) year + SEARCH_YEARS, Year.MAX_VALUE);
    if (years != null) {
      lastYear = Math.min(lastYear, years.length() - 1L);
    }
    while (year <= lastYear) {
      if (years != null && !years.get(year)) {
        int y = years.nextSetBit(year);
        if (y < 0) {
          return null;
        }
        year = y;
        month = 1;
        day = 1;
        hour = minute = second = 0;
        continue;
      }
      int mo = nextBit(months, month);
      if (mo < 0) {
        year++;
        month = 1;
        day = 1;
        hour = minute = second = 0;
        continue;
      }
      if (mo != month) {
        month = mo;
        day = 1;
        hour = minute = second = 0;
      }
      int d = nextBit(daysIn(year, month), day);
      if (d < 0) {
        month++;
        day = 1;
        hour = minute = second = 0;
        continue; // month 13 finds no bit and moves the year on
      }
      if (d != day) {
        day = d;
        hour = minute = second = 0;
      }
      int h = nextBit(hours, hour);
      if (h < 0) {
        day++;
        hour = minute = second = 0;
        continue;
      }
      if (h != hour) {
        hour = h;
        minute = second = 0;
      }
      int mi = nextBit(minutes, minute);
      if (mi < 0) {
        hour++;
        minute = second = 0;
        continue;
      }
      if (mi != minute) {
        minute = mi;
        second = 0;
      }
      int s = nextBit(seconds, second);
      if (s < 0) {
        minute++;
        second = 0;
        continue;
      }
      return LocalDateTime.of(year, month, day, hour, minute, s);
    }
    return null;
  }

  /** The days of one month that match, as bits 1-31. */
  long daysIn(int year, int month) {
    int length = YearMonth.of(year, month).lengthOfMonth();
    int firstDow = LocalDateTime.of(year, month, 1, 0, 0).getDayOfWeek().getValue() % 7;
    long valid = ((1L << (length + 1)) - 1) & ~1L;
    long days =
        switch (dayMode) {
          case DAY_OF_MONTH -> byDayOfMonth(length, firstDow);
          case DAY_OF_WEEK -> byDayOfWeek(length, firstDow);
          case BOTH -> byDayOfMonth(length, firstDow) & byDayOfWeek(length, firstDow);
          case EITHER -> byDayOfMonth(length, firstDow) | byDayOfWeek(length, firstDow);
        };
    return days & valid;
  }

  private long byDayOfMonth(int length, int firstDow) {
    if (specials.lastDayMinus() >= 0) {
      int d = length - specials.lastDayMinus();
      return d >= 1 ? 1L << d : 0;
    }
    if (specials.lastWeekday()) {
      int dow = dowOf(length, firstDow);
      int d = dow == 6 ? length - 1 : dow == 0 ? length - 2 : length;
      return 1L << d;
    }
    if (specials.nearestWeekdayTo() > 0) {
      int n = specials.nearestWeekdayTo();
      if (n > length) {
        return 0; // documented gap: the day does not exist in this month, so nothing fires
      }
      int dow = dowOf(n, firstDow);
      int d = n;
      if (dow == 6) {
        d = n == 1 ? 3 : n - 1; // Saturday: the Friday before, or Monday the 3rd
      } else if (dow == 0) {
        d = n == length ? n - 2 : n + 1; // Sunday: the Monday after, or the Friday before
      }
      return 1L << d;
    }
    return daysOfMonth;
  }

  private long byDayOfWeek(int length, int firstDow) {
    if (specials.nthDow() >= 0) {
      int d = 1 + Math.floorMod(specials.nthDow() - firstDow, 7) + 7 * (specials.nth() - 1);
      return d <= length ? 1L << d : 0;
    }
    if (specials.lastDow() >= 0) {
      int lastDow = dowOf(length, firstDow);
      return 1L << (length - Math.floorMod(lastDow - specials.lastDow(), 7));
    }
    long days = 0;
    for (int dow = 0; dow < 7; dow++) {
      if ((daysOfWeek & (1L << dow)) != 0) {
        for (int d = 1 + Math.floorMod(dow - firstDow, 7); d <= length; d += 7) {
          days |= 1L << d;
        }
      }
    }
    return days;
  }

  private static int dowOf(int day, int firstDow) {
    return (firstDow + day - 1) % 7;
  }

  private static int nextBit(long mask, int from) {
    if (from >= 64) {
      return -1;
    }
    long rest = mask & (-1L << from);
    return rest == 0 ? -1 : Long.numberOfTrailingZeros(rest);
  }
}
