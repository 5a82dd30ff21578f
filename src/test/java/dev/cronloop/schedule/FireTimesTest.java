package dev.cronloop.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Coming back after a last recorded fire, across the change from whole-second spread offsets. */
class FireTimesTest {

  private static final Duration OFFSET = Duration.ofMillis(7_300);

  private static Schedule everyMinute() throws ScheduleException {
    return Schedules.parse("* * * * *", ZoneOffset.UTC);
  }

  @Test
  void a_fire_recorded_at_the_whole_second_is_this_period_s_fire_not_a_missed_one() throws Exception {
    Instant recorded = Instant.parse("2024-06-12T10:00:07Z"); // whole-second offset of 7 s

    Instant resume = FireTimes.resumeAfter(recorded, OFFSET);

    assertThat(resume).isEqualTo(Instant.parse("2024-06-12T10:00:07.300Z"));
    assertThat(FireTimes.next(everyMinute(), OFFSET, resume)).contains(Instant.parse("2024-06-12T10:01:07.300Z"));
  }

  @Test
  void a_fire_recorded_with_its_tenths_resumes_from_itself() throws Exception {
    Instant recorded = Instant.parse("2024-06-12T10:00:07.300Z");

    assertThat(FireTimes.resumeAfter(recorded, OFFSET)).isEqualTo(recorded);
    assertThat(FireTimes.next(everyMinute(), OFFSET, recorded)).contains(Instant.parse("2024-06-12T10:01:07.300Z"));
  }

  @Test
  void the_fires_missed_after_the_recorded_one_are_still_seen() throws Exception {
    Instant recorded = Instant.parse("2024-06-12T10:00:07Z");
    Instant resume = FireTimes.resumeAfter(recorded, OFFSET);

    // Down until 10:03: the fires of 10:01 and 10:02 were missed, as before offsets had tenths.
    assertThat(FireTimes.next(everyMinute(), OFFSET, resume, 2)).containsExactly(
        Instant.parse("2024-06-12T10:01:07.300Z"), Instant.parse("2024-06-12T10:02:07.300Z"));
  }

  @Test
  void a_job_without_spread_resumes_from_its_recorded_fire() {
    Instant recorded = Instant.parse("2024-06-12T10:00:00Z");

    assertThat(FireTimes.resumeAfter(recorded, Duration.ZERO)).isEqualTo(recorded);
  }
}
