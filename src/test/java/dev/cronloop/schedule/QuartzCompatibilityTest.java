package dev.cronloop.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.ParseException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.TimeZone;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quartz.CronExpression;

/**
 * Quartz 6/7-field expressions, randomly generated from a fixed seed, against Quartz's own {@code
 * CronExpression} in UTC (no DST, where the two are meant to agree).
 *
 * <p>Left out, because Quartz 2.5.2 itself is wrong there (found by this test, each checked by
 * hand and pinned in {@link QuartzSpecialsTest}):
 *
 * <ul>
 *   <li>{@code nW} and {@code LW}: Quartz keeps the time of day of the start instant when it moves
 *       to the W day ({@code 33 39 * LW * ?} after 2024-06-12T18:21:04Z gives 18:39:33 on June 28,
 *       not 00:39:33), and after one fire it skips the rest of that day.
 *   <li>{@code nL} with a restricted month: Quartz can fire in a month outside the set ({@code 0 15 1 ? MAR-DEC/4
 *       7L} after 2021-06-19 gives June 26, but June is not in 3,7,11).
 *   <li>A step after a range of names: Quartz drops it ({@code MAR-OCT/5} gives months 3-10,
 *       while {@code 3-10/5} gives 3 and 8, as we do for both).
 *   <li>Ranges mixing a name and a number ({@code 11-DEC}): Quartz cannot parse them; we accept
 *       them.
 * </ul>
 */
class QuartzCompatibilityTest {

  private static final String[] MONTHS = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
  };
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
  private static final int CASES = 400;

  static Stream<Arguments> cases() {
    Random random = new Random(20240611L);
    return IntStream.range(0, CASES).mapToObj(i -> {
      String expression = expression(random);
      long from = Instant.parse("2021-01-01T00:00:00Z").getEpochSecond()
          + (long) (random.nextDouble() * 8 * 365 * 86400);
      return Arguments.of(expression, Instant.ofEpochSecond(from));
    });
  }

  @ParameterizedTest(name = "{0} after {1}")
  @MethodSource("cases")
  void next_five_fire_times_match_quartz_cron_expression(String expression, Instant from)
      throws Exception {
    Schedule schedule = Schedules.parse(expression, ZoneOffset.UTC);

    List<Instant> ours = new ArrayList<>();
    List<Instant> quartz = new ArrayList<>();
    Instant t = from;
    Instant q = from;
    for (int i = 0; i < 5; i++) {
      t = schedule.next(t).orElse(null);
      q = quartzNext(expression, q);
      ours.add(t);
      quartz.add(q);
      if (t == null || q == null) {
        break;
      }
    }

    assertThat(ours).containsExactlyElementsOf(quartz);
  }

  private static Instant quartzNext(String expression, Instant after) throws ParseException {
    CronExpression cron = new CronExpression(expression);
    cron.setTimeZone(TimeZone.getTimeZone("UTC"));
    Date next = cron.getNextValidTimeAfter(Date.from(after));
    return next == null ? null : next.toInstant();
  }

  private static String expression(Random r) {
    String seconds = r.nextInt(4) == 0 ? "*/" + (1 + r.nextInt(30)) : field(r, 0, 59, null, 0, 0);
    String minutes = r.nextInt(5) == 0 ? "*" : field(r, 0, 59, null, 0, 0);
    String hours = r.nextInt(3) == 0 ? "*" : field(r, 0, 23, null, 0, 0);
    String months = r.nextInt(2) == 0 ? "*" : field(r, 1, 12, MONTHS, 1, 0);
    boolean everyMonth = months.equals("*");
    String dom;
    String dow;
    if (r.nextBoolean()) {
      dow = "?";
      dom = switch (r.nextInt(8)) {
        case 0 -> "L";
        case 1 -> "L-" + r.nextInt(28);
        case 2, 3, 4 -> "*";
        default -> field(r, 1, 31, null, 0, 0.1);
      };
    } else {
      dom = "?";
      int day = 1 + r.nextInt(7);
      dow = switch (r.nextInt(8)) {
        case 0 -> day + "#" + (1 + r.nextInt(5));
        case 1 -> everyMonth ? day + "L" : "*";
        case 2 -> "L";
        case 3 -> "*";
        default -> field(r, 1, 7, DAYS, 1, 0.15);
      };
    }
    String expression = String.join(" ", seconds, minutes, hours, dom, months, dow);
    if (r.nextInt(4) == 0) {
      int year = 2021 + r.nextInt(12);
      expression += " " + (r.nextBoolean() ? year + "" : year + "-" + (year + r.nextInt(6)));
    }
    return expression;
  }

  /** A list of one to three values or ranges, some with steps, some wrapping around. */
  private static String field(Random r, int lo, int hi, String[] names, int base, double wrap) {
    List<String> items = new ArrayList<>();
    int n = 1 + (r.nextInt(3) == 0 ? r.nextInt(3) : 0);
    for (int i = 0; i < n; i++) {
      String[] itemNames = r.nextBoolean() ? names : null; // Quartz cannot mix them in a range
      int a = lo + r.nextInt(hi - lo + 1);
      int kind = r.nextInt(10);
      if (kind < 5) {
        items.add(value(r, a, itemNames, base));
      } else if (kind < 8 || r.nextDouble() >= wrap) {
        int b = a + r.nextInt(hi - a + 1);
        String range = value(r, a, itemNames, base) + "-" + value(r, b, itemNames, base);
        items.add(kind == 7 && itemNames == null ? range + "/" + (1 + r.nextInt(Math.max(1, b - a))) : range);
      } else {
        int b = lo + r.nextInt(Math.max(1, a - lo));
        items.add(value(r, a, itemNames, base) + "-" + value(r, b, itemNames, base));
      }
    }
    return String.join(",", items);
  }

  private static String value(Random r, int v, String[] names, int base) {
    if (names != null) {
      String name = names[v - base];
      return r.nextBoolean() ? name : name.toLowerCase();
    }
    return Integer.toString(v);
  }
}
