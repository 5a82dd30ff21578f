package dev.cronloop.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.model.JobHealth;
import dev.cronloop.notify.HealthRules.Event;
import dev.cronloop.notify.HealthRules.Policy;
import dev.cronloop.notify.HealthRules.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The health transitions, by example and over every sequence of run results. */
class HealthRulesTest {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
  private static final Policy TWICE = new Policy(2, null, true, true);

  /** Runs {@code results} one minute apart from T0; returns the event of each run (null for none). */
  private static List<Event> play(Policy p, boolean... failed) {
    List<Event> events = new ArrayList<>();
    JobHealth h = JobHealth.initial("j");
    for (int i = 0; i < failed.length; i++) {
      Step s = HealthRules.next(h, i + 1, failed[i], T0.plus(Duration.ofMinutes(i)), p);
      events.add(s.event());
      h = s.next();
    }
    return events;
  }

  @Test
  void the_failure_notice_comes_at_exactly_the_after_th_failed_run_in_a_row() {
    assertThat(play(TWICE, true, false, true, true, true))
        .containsExactly(null, null, null, Event.FAILURE, null);
  }

  @Test
  void a_recovery_comes_once_and_only_after_a_failure_state() {
    assertThat(play(TWICE, true, false, false)).containsOnlyNulls();
    assertThat(play(TWICE, true, true, false, false, true, true, false))
        .containsExactly(null, Event.FAILURE, Event.RECOVERY, null, null, Event.FAILURE, Event.RECOVERY);
  }

  @Test
  void since_is_the_first_failed_run_of_the_streak() {
    JobHealth h = JobHealth.initial("j");
    h = HealthRules.next(h, 1, true, T0, TWICE).next();
    Step s = HealthRules.next(h, 2, true, T0.plusSeconds(60), TWICE);

    assertThat(s.failingSince()).isEqualTo(T0);
    assertThat(s.next().since()).isEqualTo(T0);
    assertThat(s.next().state()).isEqualTo("failing");
    assertThat(s.next().consecutiveFailures()).isEqualTo(2);
  }

  @Test
  void no_repeat_before_repeat_has_passed_then_one_per_period() {
    Policy p = new Policy(1, Duration.ofMinutes(3), true, true);

    // runs at minutes 0..7, all failed: failure at 0, repeats at 3 and 6
    assertThat(play(p, true, true, true, true, true, true, true, true))
        .containsExactly(Event.FAILURE, null, null, Event.REPEAT, null, null, Event.REPEAT, null);
  }

  @Test
  void without_repeat_a_failing_job_is_told_once() {
    assertThat(play(new Policy(1, null, true, true), true, true, true, true))
        .containsExactly(Event.FAILURE, null, null, null);
  }

  @Test
  void a_job_that_listens_to_recovery_only_still_turns_failing_silently() {
    Policy p = new Policy(1, Duration.ofMinutes(1), false, true);

    assertThat(play(p, true, true, false)).containsExactly(null, null, Event.RECOVERY);
  }

  @Property
  void notices_alternate_failure_then_recovery_with_repeats_only_between(
      @ForAll @Size(max = 60) List<Boolean> results, @ForAll @IntRange(min = 1, max = 5) int after) {
    boolean[] failed = new boolean[results.size()];
    for (int i = 0; i < failed.length; i++) {
      failed[i] = results.get(i);
    }
    List<Event> events = play(new Policy(after, Duration.ofMinutes(2), true, true), failed);

    boolean failing = false;
    int streak = 0;
    for (int i = 0; i < failed.length; i++) {
      Event e = events.get(i);
      streak = failed[i] ? streak + 1 : 0;
      if (!failing && streak == after) {
        assertThat(e).as("run %d", i).isEqualTo(Event.FAILURE);
        failing = true;
      } else if (failing && !failed[i]) {
        assertThat(e).as("run %d", i).isEqualTo(Event.RECOVERY);
        failing = false;
      } else if (failing) {
        assertThat(e).as("run %d", i).isIn(null, Event.REPEAT);
      } else {
        assertThat(e).as("run %d", i).isNull();
      }
    }
  }

  @Property
  void the_state_counts_the_failed_runs_since_the_last_success(@ForAll @Size(max = 40) List<Boolean> results) {
    JobHealth h = JobHealth.initial("j");
    int streak = 0;
    for (int i = 0; i < results.size(); i++) {
      h = HealthRules.next(h, i + 1, results.get(i), T0.plusSeconds(i), TWICE).next();
      streak = results.get(i) ? streak + 1 : 0;

      assertThat(h.consecutiveFailures()).isEqualTo(streak);
      assertThat(h.failing()).isEqualTo(streak >= 2);
      assertThat(h.lastRunId()).isEqualTo(i + 1);
    }
  }
}
