package dev.cronloop.schedule;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * Reads Unix (5 fields, Vixie cron) and Quartz (6 or 7 fields) expressions into {@link
 * CronFields}. Every error names the field, the value and what is allowed, and carries the index
 * in the expression where the bad part starts.
 */
final class CronParser {

  private static final String[] MONTHS = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
  };
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

  /** One field's name, bounds and names; {@code firstName} is the value of the first name. */
  private record Field(String name, int min, int max, String[] names, int firstName) {
    String range() {
      String numbers = min + "-" + max;
      return names == null ? numbers : numbers + " (or " + names[0] + "-" + names[names.length - 1]
          + ")";
    }
  }

  private static final Field SECONDS = new Field("seconds", 0, 59, null, 0);
  private static final Field MINUTES = new Field("minutes", 0, 59, null, 0);
  private static final Field HOURS = new Field("hours", 0, 23, null, 0);
  private static final Field DAY_OF_MONTH = new Field("day-of-month", 1, 31, null, 0);
  private static final Field MONTH = new Field("month", 1, 12, MONTHS, 1);
  private static final Field UNIX_DAY_OF_WEEK = new Field("day-of-week", 0, 7, DAYS, 0);
  private static final Field QUARTZ_DAY_OF_WEEK = new Field("day-of-week", 1, 7, DAYS, 1);
  private static final Field YEAR = new Field("year", 1970, 2199, null, 0);

  /** A field's text and where it starts in the expression. */
  record Token(String text, int offset) {}

  private CronParser() {}

  /** Splits on blanks, remembering where each field starts. */
  static List<Token> tokens(String expression) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    int n = expression.length();
    while (i < n) {
      while (i < n && Character.isWhitespace(expression.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !Character.isWhitespace(expression.charAt(i))) {
        i++;
      }
      if (i > start) {
        tokens.add(new Token(expression.substring(start, i), start));
      }
    }
    return tokens;
  }

  /**
   * Five fields: minute hour day-of-month month day-of-week, with Vixie cron's rules. Two
   * extensions: {@code ?} in a day field means {@code *}, and {@code a/s} means {@code a-max/s}.
   */
  static CronFields unix(List<Token> tokens) throws ScheduleException {
    List<Token> t = new ArrayList<>(tokens);
    for (int i : new int[] {2, 4}) {
      if (t.get(i).text().equals("?")) {
        t.set(i, new Token("*", t.get(i).offset())); // as many cron libraries accept
      }
    }
    long minutes = mask(list(MINUTES, t.get(0), false));
    long hours = mask(list(HOURS, t.get(1), false));
    long daysOfMonth = mask(list(DAY_OF_MONTH, t.get(2), false));
    long months = mask(list(MONTH, t.get(3), false));
    BitSet dow = list(UNIX_DAY_OF_WEEK, t.get(4), false);
    if (dow.get(7)) {
      dow.clear(7);
      dow.set(0); // 7 is Sunday too
    }
    boolean unrestricted = t.get(2).text().startsWith("*") || t.get(4).text().startsWith("*");
    return new CronFields(
        1L, minutes, hours, daysOfMonth, months, mask(dow), null,
        unrestricted ? CronFields.DayMode.BOTH : CronFields.DayMode.EITHER,
        CronFields.Specials.NONE);
  }

  /** Six or seven fields: second minute hour day-of-month month day-of-week [year]. */
  static CronFields quartz(List<Token> t) throws ScheduleException {
    long seconds = mask(list(SECONDS, t.get(0), true));
    long minutes = mask(list(MINUTES, t.get(1), true));
    long hours = mask(list(HOURS, t.get(2), true));
    long months = mask(list(MONTH, t.get(4), true));
    BitSet years = t.size() == 7 ? list(YEAR, t.get(6), true) : null;
    Token dom = t.get(3);
    Token dow = t.get(5);
    boolean domAsk = dom.text().equals("?");
    boolean dowAsk = dow.text().equals("?");
    if (domAsk == dowAsk) {
      throw new ScheduleException(
          "day-of-month and day-of-week: Quartz needs exactly one of them to be ? (found \""
              + dom.text() + "\" and \"" + dow.text() + "\")", dom.offset());
    }
    if (dowAsk) {
      CronFields.Specials specials = dayOfMonthSpecial(dom);
      long days = specials == null ? mask(list(DAY_OF_MONTH, dom, true)) : 0;
      return new CronFields(
          seconds, minutes, hours, days, months, 0, years, CronFields.DayMode.DAY_OF_MONTH,
          specials == null ? CronFields.Specials.NONE : specials);
    }
    CronFields.Specials specials = dayOfWeekSpecial(dow);
    long days = 0;
    if (specials == null) {
      String text = dow.text().toUpperCase(Locale.ROOT);
      BitSet set = text.equals("L") ? bit(7) : list(QUARTZ_DAY_OF_WEEK, dow, true);
      days = mask(set) >>> 1; // Quartz counts SUN=1 .. SAT=7
    }
    return new CronFields(
        seconds, minutes, hours, 0, months, days, years, CronFields.DayMode.DAY_OF_WEEK,
        specials == null ? CronFields.Specials.NONE : specials);
  }

  /** {@code L}, {@code L-n}, {@code LW} and {@code nW}; null for an ordinary field. */
  private static CronFields.Specials dayOfMonthSpecial(Token token) throws ScheduleException {
    String text = token.text().toUpperCase(Locale.ROOT);
    if (text.equals("L")) {
      return new CronFields.Specials(0, false, -1, -1, -1, -1);
    }
    if (text.equals("LW")) {
      return new CronFields.Specials(-1, true, -1, -1, -1, -1);
    }
    if (text.startsWith("L-")) {
      int n = number(DAY_OF_MONTH, text.substring(2), token.offset() + 2, 0, 30, "offset ");
      return new CronFields.Specials(n, false, -1, -1, -1, -1);
    }
    if (text.endsWith("W") && text.length() > 1) {
      int n = number(DAY_OF_MONTH, text.substring(0, text.length() - 1), token.offset(), 1, 31,
          "");
      return new CronFields.Specials(-1, false, n, -1, -1, -1);
    }
    return null;
  }

  /** {@code nL} and {@code n#k}; null for an ordinary field (and for {@code L} alone, Saturday). */
  private static CronFields.Specials dayOfWeekSpecial(Token token) throws ScheduleException {
    String text = token.text().toUpperCase(Locale.ROOT);
    int hash = text.indexOf('#');
    if (hash >= 0) {
      int dow = value(QUARTZ_DAY_OF_WEEK, text.substring(0, hash), token.offset());
      int k = number(QUARTZ_DAY_OF_WEEK, text.substring(hash + 1), token.offset() + hash + 1, 1, 5,
          "#");
      return new CronFields.Specials(-1, false, -1, dow - 1, k, -1);
    }
    if (text.length() > 1 && text.endsWith("L")) {
      int dow = value(QUARTZ_DAY_OF_WEEK, text.substring(0, text.length() - 1), token.offset());
      return new CronFields.Specials(-1, false, -1, -1, -1, dow - 1);
    }
    return null;
  }

  /** A comma-separated list of values, ranges and steps. */
  private static BitSet list(Field field, Token token, boolean quartz) throws ScheduleException {
    BitSet set = new BitSet();
    String text = token.text();
    int start = 0;
    while (true) {
      int comma = text.indexOf(',', start);
      int end = comma < 0 ? text.length() : comma;
      item(field, text.substring(start, end), token.offset() + start, quartz, set);
      if (comma < 0) {
        return set;
      }
      start = comma + 1;
    }
  }

  private static void item(Field field, String item, int offset, boolean quartz, BitSet set)
      throws ScheduleException {
    if (item.isEmpty()) {
      throw new ScheduleException(field.name() + ": empty list item", offset);
    }
    if (item.equals("?")) {
      throw new ScheduleException(
          field.name() + ": ? is allowed only as the whole day-of-month or day-of-week field of a"
              + " Quartz expression", offset);
    }
    int slash = item.indexOf('/');
    String range = slash < 0 ? item : item.substring(0, slash);
    int step = 1;
    if (slash >= 0) {
      int max = quartz ? field.max() : Integer.MAX_VALUE;
      step = number(field, item.substring(slash + 1), offset + slash + 1, 1, max, "step ");
    }
    int low;
    int high;
    if (range.equals("*")) {
      low = field.min();
      high = field.max();
    } else {
      int dash = range.indexOf('-', 1);
      low = value(field, dash < 0 ? range : range.substring(0, dash), offset);
      if (dash >= 0) {
        high = value(field, range.substring(dash + 1), offset + dash + 1);
      } else {
        high = slash >= 0 ? field.max() : low; // "a/s" runs from a to the end of the field
      }
      if (high < low && !quartz) {
        throw new ScheduleException(
            field.name() + ": range " + range + " runs backwards; write " + low + "-" + field.max()
                + "," + field.min() + "-" + high, offset);
      }
    }
    if (high < low) {
      high += field.max() - field.min() + 1; // Quartz wraps around, e.g. 22-2 or FRI-MON
    }
    int span = field.max() - field.min() + 1;
    for (long v = low; v <= high; v += step) {
      set.set((int) ((v - field.min()) % span) + field.min());
    }
  }

  /** A number or a name, within the field's bounds. */
  private static int value(Field field, String text, int offset) throws ScheduleException {
    if (!text.isEmpty() && Character.isLetter(text.charAt(0)) && field.names() != null) {
      for (int i = 0; i < field.names().length; i++) {
        if (field.names()[i].equalsIgnoreCase(text)) {
          return i + field.firstName();
        }
      }
      throw new ScheduleException(
          field.name() + ": \"" + text + "\" is not a number or a name in " + field.range(),
          offset);
    }
    return number(field, text, offset, field.min(), field.max(), "");
  }

  private static int number(Field field, String text, int offset, int min, int max, String what)
      throws ScheduleException {
    if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new ScheduleException(
          field.name() + ": " + what + "\"" + text + "\" is not a number", offset);
    }
    long n = text.length() > 10 ? Long.MAX_VALUE : Long.parseLong(text);
    if (n < min && max == Integer.MAX_VALUE) {
      throw new ScheduleException(
          field.name() + ": " + what + text + " must be " + min + " or more", offset);
    }
    if (n < min || n > max) {
      throw new ScheduleException(
          field.name() + ": " + what + text + " is out of range " + range(field, min, max, what),
          offset);
    }
    return (int) n;
  }

  private static String range(Field field, int min, int max, String what) {
    if (what.isEmpty() && min == field.min() && max == field.max()) {
      return field.range();
    }
    return min + "-" + max;
  }

  private static BitSet bit(int value) {
    BitSet set = new BitSet();
    set.set(value);
    return set;
  }

  private static long mask(BitSet set) {
    long[] words = set.toLongArray();
    return words.length == 0 ? 0 : words[0];
  }
}
