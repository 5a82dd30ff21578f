package dev.cronloop.definition;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as job files write them: {@code 500ms}, {@code 5s}, {@code 1m30s}, {@code 2h}. */
public final class DurationText {

  private static final Pattern WHOLE = Pattern.compile("(\\d{1,9}(ms|s|m|h|d))+");
  private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
  private static final Pattern DIGITS = Pattern.compile("\\d+");

  private DurationText() {}

  /**
   * Parses {@code text}, or throws with the reason and fix, worded to follow "KEY must be ...".
   * Messages quote {@code shown}, the value as written, which never holds a substituted secret.
   */
  public static Duration parse(String text, String shown) {
    String t = text.strip();
    if (t.startsWith("-")) {
      throw new IllegalArgumentException("must not be negative (found \"" + shown + "\")");
    }
    if (DIGITS.matcher(t).matches()) {
      String n = DIGITS.matcher(shown.strip()).matches() ? shown.strip() : "30";
      throw new IllegalArgumentException(
          "needs a unit (found \"" + shown + "\"); write e.g. " + n + "s or " + n + "ms");
    }
    if (!WHOLE.matcher(t).matches()) {
      throw new IllegalArgumentException(
          "must be a duration like 500ms, 5s, 1m30s or 2h (found \"" + shown + "\")");
    }
    Duration sum = Duration.ZERO;
    Matcher m = PART.matcher(t);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      sum =
          sum.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
              });
    }
    return sum;
  }
}
