package dev.cronloop.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Vixie cron's daylight saving rule (DESIGN.md, "Schedules"), reasoned out by hand for each zone.
 * Fixed-time jobs fire once at the first instant after a gap and once in an overlap (the first
 * pass); wildcard jobs skip the gap and fire in both passes of an overlap.
 */
class DaylightSavingTest {

  /** 2024-03-10 02:00 EST becomes 03:00 EDT; 2024-11-03 02:00 EDT becomes 01:00 EST. */
  @Nested
  class NewYork {
    static final String ZONE = "America/New_York";

    @Test
    void fixed_time_job_in_the_gap_fires_at_the_end_of_the_gap() throws Exception {
      assertThat(Fires.after("30 2 * * *", ZONE, "2024-03-09T12:00:00Z", 2))
          .containsExactly("2024-03-10T03:00-04:00", "2024-03-11T02:30-04:00");
    }

    @Test
    void several_fixed_times_in_the_gap_collapse_into_one_fire() throws Exception {
      assertThat(Fires.after("0,30 2 * * *", ZONE, "2024-03-09T12:00:00Z", 3))
          .containsExactly("2024-03-10T03:00-04:00", "2024-03-11T02:00-04:00",
              "2024-03-11T02:30-04:00");
    }

    @Test
    void fixed_time_at_the_end_of_the_gap_fires_once_with_the_times_in_the_gap() throws Exception {
      assertThat(Fires.after("30 2,3 * * *", ZONE, "2024-03-09T12:00:00Z", 2))
          .containsExactly("2024-03-10T03:00-04:00", "2024-03-10T03:30-04:00");
    }

    @Test
    void gap_fire_is_found_from_one_second_before_the_transition_but_not_from_it()
        throws Exception {
      assertThat(Fires.after("30 2 * * *", ZONE, "2024-03-10T06:59:59Z", 1))
          .containsExactly("2024-03-10T03:00-04:00");
      assertThat(Fires.after("30 2 * * *", ZONE, "2024-03-10T07:00:00Z", 1))
          .containsExactly("2024-03-11T02:30-04:00");
    }

    @Test
    void quartz_fixed_time_job_in_the_gap_fires_at_the_end_of_the_gap() throws Exception {
      assertThat(Fires.after("0 30 2 * * ?", ZONE, "2024-03-09T12:00:00Z", 1))
          .containsExactly("2024-03-10T03:00-04:00");
    }

    @Test
    void wildcard_job_skips_the_times_in_the_gap() throws Exception {
      assertThat(Fires.after("*/30 2 * * *", ZONE, "2024-03-09T12:00:00Z", 2))
          .containsExactly("2024-03-11T02:00-04:00", "2024-03-11T02:30-04:00");
    }

    @Test
    void hourly_skips_the_missing_hour() throws Exception {
      assertThat(Fires.after("@hourly", ZONE, "2024-03-10T05:30:00Z", 3))
          .containsExactly("2024-03-10T01:00-05:00", "2024-03-10T03:00-04:00",
              "2024-03-10T04:00-04:00");
    }

    @Test
    void fixed_time_job_in_the_overlap_fires_once_in_the_first_pass() throws Exception {
      assertThat(Fires.after("30 1 * * *", ZONE, "2024-11-02T12:00:00Z", 2))
          .containsExactly("2024-11-03T01:30-04:00", "2024-11-04T01:30-05:00");
    }

    @Test
    void fixed_time_job_does_not_fire_in_the_second_pass_when_asked_during_it() throws Exception {
      assertThat(Fires.after("30 1 * * *", ZONE, "2024-11-03T06:10:00Z", 1))
          .containsExactly("2024-11-04T01:30-05:00");
    }

    @Test
    void wildcard_job_fires_in_both_passes_of_the_overlap() throws Exception {
      assertThat(Fires.after("*/30 1 * * *", ZONE, "2024-11-03T04:00:00Z", 5))
          .containsExactly("2024-11-03T01:00-04:00", "2024-11-03T01:30-04:00",
              "2024-11-03T01:00-05:00", "2024-11-03T01:30-05:00", "2024-11-04T01:00-05:00");
    }

    @Test
    void hourly_fires_in_both_passes_of_the_repeated_hour() throws Exception {
      assertThat(Fires.after("@hourly", ZONE, "2024-11-03T04:30:00Z", 3))
          .containsExactly("2024-11-03T01:00-04:00", "2024-11-03T01:00-05:00",
              "2024-11-03T02:00-05:00");
    }

    @Test
    void every_counts_real_time_whatever_the_clock_on_the_wall_says() throws Exception {
      assertThat(Fires.after("@every 1h", ZONE, "2024-11-03T04:30:00Z", 3))
          .containsExactly("2024-11-03T01:00-04:00", "2024-11-03T01:00-05:00",
              "2024-11-03T02:00-05:00");
      assertThat(Fires.after("@every 90m", ZONE, "2024-03-10T05:00:00Z", 2))
          .containsExactly("2024-03-10T01:00-05:00", "2024-03-10T03:30-04:00");
    }
  }

  /** 2024-03-31 02:00 CET becomes 03:00 CEST; 2024-10-27 03:00 CEST becomes 02:00 CET. */
  @Nested
  class Berlin {
    static final String ZONE = "Europe/Berlin";

    @Test
    void fixed_time_job_in_the_gap_fires_at_three() throws Exception {
      assertThat(Fires.after("30 2 * * *", ZONE, "2024-03-30T12:00:00Z", 2))
          .containsExactly("2024-03-31T03:00+02:00", "2024-04-01T02:30+02:00");
    }

    @Test
    void wildcard_job_goes_straight_from_one_to_three() throws Exception {
      assertThat(Fires.after("15 * * * *", ZONE, "2024-03-30T23:30:00Z", 2))
          .containsExactly("2024-03-31T01:15+01:00", "2024-03-31T03:15+02:00");
    }

    @Test
    void fixed_time_job_in_the_overlap_fires_in_summer_time_only() throws Exception {
      assertThat(Fires.after("30 2 * * *", ZONE, "2024-10-26T12:00:00Z", 2))
          .containsExactly("2024-10-27T02:30+02:00", "2024-10-28T02:30+01:00");
    }

    @Test
    void wildcard_job_fires_twice_in_the_repeated_hour() throws Exception {
      assertThat(Fires.after("15 * * * *", ZONE, "2024-10-26T23:30:00Z", 3))
          .containsExactly("2024-10-27T02:15+02:00", "2024-10-27T02:15+01:00",
              "2024-10-27T03:15+01:00");
    }
  }

  /** 30-minute shifts: 2024-10-06 02:00 (+10:30) becomes 02:30 (+11:00); 2024-04-07 back. */
  @Nested
  class LordHowe {
    static final String ZONE = "Australia/Lord_Howe";

    @Test
    void fixed_times_in_the_half_hour_gap_fire_at_half_past_two() throws Exception {
      assertThat(Fires.after("0,15 2 * * *", ZONE, "2024-10-05T12:00:00Z", 3))
          .containsExactly("2024-10-06T02:30+11:00", "2024-10-07T02:00+11:00",
              "2024-10-07T02:15+11:00");
    }

    @Test
    void fixed_time_after_the_gap_is_not_moved() throws Exception {
      assertThat(Fires.after("45 2 * * *", ZONE, "2024-10-05T12:00:00Z", 1))
          .containsExactly("2024-10-06T02:45+11:00");
    }

    @Test
    void wildcard_job_skips_the_half_hour_gap() throws Exception {
      assertThat(Fires.after("*/15 2 * * *", ZONE, "2024-10-05T14:00:00Z", 3))
          .containsExactly("2024-10-06T02:30+11:00", "2024-10-06T02:45+11:00",
              "2024-10-07T02:00+11:00");
    }

    @Test
    void fixed_time_job_in_the_half_hour_overlap_fires_once() throws Exception {
      assertThat(Fires.after("45 1 * * *", ZONE, "2024-04-06T12:00:00Z", 2))
          .containsExactly("2024-04-07T01:45+11:00", "2024-04-08T01:45+10:30");
    }

    @Test
    void wildcard_job_fires_in_both_passes_of_the_half_hour_overlap() throws Exception {
      assertThat(Fires.after("*/15 1 * * *", ZONE, "2024-04-06T13:00:00Z", 7))
          .containsExactly("2024-04-07T01:00+11:00", "2024-04-07T01:15+11:00",
              "2024-04-07T01:30+11:00", "2024-04-07T01:45+11:00", "2024-04-07T01:30+10:30",
              "2024-04-07T01:45+10:30", "2024-04-08T01:00+10:30");
    }
  }

  /** Offsets of 45 minutes: 2024-09-29 02:45 (+12:45) becomes 03:45 (+13:45); 2024-04-07 back. */
  @Nested
  class Chatham {
    static final String ZONE = "Pacific/Chatham";

    @Test
    void fixed_time_job_in_the_gap_fires_at_a_quarter_to_four() throws Exception {
      assertThat(Fires.after("0 3 * * *", ZONE, "2024-09-28T00:00:00Z", 2))
          .containsExactly("2024-09-29T03:45+13:45", "2024-09-30T03:00+13:45");
    }

    @Test
    void wildcard_job_skips_the_gap() throws Exception {
      assertThat(Fires.after("*/30 3 * * *", ZONE, "2024-09-28T00:00:00Z", 1))
          .containsExactly("2024-09-30T03:00+13:45");
    }

    @Test
    void fixed_time_job_in_the_overlap_fires_once() throws Exception {
      assertThat(Fires.after("0 3 * * *", ZONE, "2024-04-06T00:00:00Z", 2))
          .containsExactly("2024-04-07T03:00+13:45", "2024-04-08T03:00+12:45");
    }

    @Test
    void wildcard_job_fires_in_both_passes_of_the_overlap() throws Exception {
      assertThat(Fires.after("0 * * * *", ZONE, "2024-04-06T12:00:00Z", 4))
          .containsExactly("2024-04-07T02:00+13:45", "2024-04-07T03:00+13:45",
              "2024-04-07T03:00+12:45", "2024-04-07T04:00+12:45");
    }
  }
}
