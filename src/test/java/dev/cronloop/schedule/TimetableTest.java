package dev.cronloop.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimetableTest {

  private static final Instant START = Instant.parse("2024-06-12T10:00:30Z");

  private static Schedule schedule(String expression) throws ScheduleException {
    return Schedules.parse(expression, ZoneOffset.UTC);
  }

  @Test
  void keys_fire_at_schedule_time_plus_offset_in_order() throws Exception {
    Timetable<String> table = new Timetable<>(START);
    table.put("a", schedule("* * * * *"), Duration.ofSeconds(10));
    table.put("b", schedule("* * * * *"), Duration.ZERO);

    assertThat(table.nextInstant()).contains(Instant.parse("2024-06-12T10:01:00Z"));
    assertThat(table.takeDue(Instant.parse("2024-06-12T10:01:00Z"))).containsExactly("b");
    assertThat(table.nextInstant()).contains(Instant.parse("2024-06-12T10:01:10Z"));
    assertThat(table.takeDue(Instant.parse("2024-06-12T10:01:10Z"))).containsExactly("a");
    assertThat(table.nextInstant()).contains(Instant.parse("2024-06-12T10:02:00Z"));
  }

  @Test
  void keys_due_together_come_together_and_are_rearmed() throws Exception {
    Timetable<String> table = new Timetable<>(START);
    table.put("a", schedule("*/2 * * * *"), Duration.ZERO);
    table.put("b", schedule("* * * * *"), Duration.ZERO);

    Instant first = table.nextInstant().orElseThrow();

    assertThat(table.takeDue(first)).containsExactly("b");
    assertThat(table.takeDue(table.nextInstant().orElseThrow())).containsExactly("a", "b");
    assertThat(table.takeDue(table.nextInstant().orElseThrow())).containsExactly("b");
  }

  @Test
  void removed_and_replaced_keys_fire_by_their_new_schedule_only() throws Exception {
    Timetable<String> table = new Timetable<>(START);
    table.put("a", schedule("* * * * *"), Duration.ZERO);
    table.put("b", schedule("* * * * *"), Duration.ZERO);
    table.remove("b");
    table.put("a", schedule("0 12 * * *"), Duration.ZERO);

    assertThat(table.size()).isEqualTo(1);
    assertThat(table.nextInstant()).contains(Instant.parse("2024-06-12T12:00:00Z"));
    assertThat(table.takeDue(Instant.parse("2024-06-12T11:59:59Z"))).isEmpty();
  }

  @Test
  void a_schedule_with_no_more_fires_leaves_the_table() throws Exception {
    Timetable<String> table = new Timetable<>(START);
    table.put("once", schedule("0 0 0 13 6 ? 2024"), Duration.ZERO);

    assertThat(table.takeDue(Instant.parse("2024-06-13T00:00:00Z"))).containsExactly("once");
    assertThat(table.nextInstant()).isEmpty();
    assertThat(table.size()).isZero();
  }

  @Test
  void ten_thousand_keys_fire_each_at_its_own_spread_offset() throws Exception {
    Timetable<Integer> table = new Timetable<>(START);
    Schedule everyMinute = schedule("* * * * *");
    Map<Integer, Instant> expected = new HashMap<>();
    for (int k = 0; k < 10_000; k++) {
      Duration offset = Spread.offset("job-" + k, Duration.ofMinutes(1));
      table.put(k, everyMinute, offset);
      expected.put(k, everyMinute.next(START.minus(offset)).orElseThrow().plus(offset));
    }

    Map<Integer, Instant> fired = new HashMap<>();
    List<Instant> order = new ArrayList<>();
    while (fired.size() < 10_000) {
      Instant at = table.nextInstant().orElseThrow();
      order.add(at);
      for (Integer k : table.takeDue(at)) {
        fired.putIfAbsent(k, at);
      }
    }

    assertThat(fired).isEqualTo(expected);
    assertThat(order).isSorted().doesNotHaveDuplicates();
    assertThat(table.size()).isEqualTo(10_000);
  }

  @Test
  void a_late_caller_takes_what_it_missed_and_keys_rearm_after_the_call() throws Exception {
    Timetable<String> table = new Timetable<>(START);
    table.put("a", schedule("* * * * *"), Duration.ZERO);

    assertThat(table.takeDue(Instant.parse("2024-06-12T10:05:30Z"))).containsExactly("a");
    assertThat(table.nextInstant()).contains(Instant.parse("2024-06-12T10:06:00Z"));
  }

  @Test
  void skip_before_moves_fires_handled_elsewhere_to_the_first_fire_at_or_after_the_instant()
      throws Exception {
    Timetable<String> table = new Timetable<>(START);
    table.put("every-second", schedule("* * * * * ?"), Duration.ZERO);
    table.put("every-minute", schedule("* * * * *"), Duration.ZERO);
    table.put("offset", schedule("* * * * * ?"), Duration.ofMillis(250));

    int moved = table.skipBefore(Instant.parse("2024-06-12T10:00:40Z"));

    assertThat(moved).isEqualTo(2);
    assertThat(table.next("every-second")).contains(Instant.parse("2024-06-12T10:00:40Z"));
    assertThat(table.next("offset")).contains(Instant.parse("2024-06-12T10:00:40.250Z"));
    assertThat(table.next("every-minute")).contains(Instant.parse("2024-06-12T10:01:00Z"));
    assertThat(table.takeDue(Instant.parse("2024-06-12T10:00:40Z"))).containsExactly("every-second");
  }
}
