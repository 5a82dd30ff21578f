package dev.cronloop.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Quartz's {@code L}, {@code W} and {@code #}, reasoned out by hand on 2024's calendar (UTC). */
class QuartzSpecialsTest {

  @Test
  void last_weekday_of_june_2024_is_friday_the_28th_because_the_30th_is_a_sunday()
      throws Exception {
    assertThat(Fires.after("0 0 9 LW * ?", "UTC", "2024-06-01T00:00:00Z", 1))
        .containsExactly("2024-06-28T09:00Z");
  }

  @Test
  void lw_starts_at_midnight_of_the_day_where_quartz_keeps_the_start_time_of_day()
      throws Exception {
    assertThat(Fires.after("33 39 * LW * ?", "UTC", "2024-06-12T18:21:04Z", 2))
        .containsExactly("2024-06-28T00:39:33Z", "2024-06-28T01:39:33Z");
  }

  @Test
  void nearest_weekday_moves_saturday_to_friday_and_sunday_to_monday() throws Exception {
    assertThat(Fires.after("0 0 0 15W * ?", "UTC", "2024-06-01T00:00:00Z", 1))
        .containsExactly("2024-06-14T00:00Z");
    assertThat(Fires.after("0 0 0 1W * ?", "UTC", "2024-08-15T00:00:00Z", 1))
        .containsExactly("2024-09-02T00:00Z");
  }

  @Test
  void nearest_weekday_stays_inside_the_month() throws Exception {
    assertThat(Fires.after("0 0 0 1W * ?", "UTC", "2024-05-15T00:00:00Z", 1))
        .as("June 1st 2024 is a Saturday; Friday would be in May, so Monday the 3rd")
        .containsExactly("2024-06-03T00:00Z");
    assertThat(Fires.after("0 0 0 31W * ?", "UTC", "2024-03-01T00:00:00Z", 1))
        .as("March 31st 2024 is a Sunday; Monday would be in April, so Friday the 29th")
        .containsExactly("2024-03-29T00:00Z");
  }

  @Test
  void nearest_weekday_to_a_day_the_month_lacks_does_not_fire_that_month() throws Exception {
    assertThat(Fires.after("0 0 0 31W * ?", "UTC", "2024-04-01T00:00:00Z", 1))
        .containsExactly("2024-05-31T00:00Z");
  }

  @Test
  void nearest_weekday_fires_every_matching_second_of_its_day() throws Exception {
    assertThat(Fires.after("32-53 3-38 * 5W 11 ?", "UTC", "2028-10-08T15:44:33Z", 2))
        .containsExactly("2028-11-06T00:03:32Z", "2028-11-06T00:03:33Z");
  }

  @Test
  void l_minus_n_counts_back_from_the_last_day() throws Exception {
    assertThat(Fires.after("0 0 0 L-2 * ?", "UTC", "2024-02-01T00:00:00Z", 2))
        .containsExactly("2024-02-27T00:00Z", "2024-03-29T00:00Z");
  }

  @Test
  void last_day_knows_leap_years() throws Exception {
    assertThat(Fires.after("0 0 0 L 2 ?", "UTC", "2023-01-01T00:00:00Z", 2))
        .containsExactly("2023-02-28T00:00Z", "2024-02-29T00:00Z");
  }

  @Test
  void n_l_is_the_last_such_weekday_and_respects_the_month_set() throws Exception {
    assertThat(Fires.after("0 0 0 ? * 6L", "UTC", "2024-06-01T00:00:00Z", 1))
        .containsExactly("2024-06-28T00:00Z");
    assertThat(Fires.after("0 15 1 ? MAR-DEC/4 7L", "UTC", "2021-06-19T17:03:56Z", 1))
        .as("Quartz 2.5.2 answers June 26, but June is not in 3,7,11")
        .containsExactly("2021-07-31T01:15Z");
  }

  @Test
  void l_alone_in_day_of_week_is_saturday() throws Exception {
    assertThat(Fires.after("0 0 0 ? * L", "UTC", "2024-05-31T12:00:00Z", 2))
        .containsExactly("2024-06-01T00:00Z", "2024-06-08T00:00Z");
  }

  @Test
  void hash_is_the_nth_weekday_of_the_month() throws Exception {
    assertThat(Fires.after("0 0 0 ? * 2#1", "UTC", "2024-06-15T00:00:00Z", 1))
        .containsExactly("2024-07-01T00:00Z");
  }

  @Test
  void a_fifth_monday_in_february_is_found_twenty_years_ahead_without_delay() throws Exception {
    assertThat(Fires.after("0 0 0 ? 2 MON#5", "UTC", "2024-03-01T00:00:00Z", 1))
        .containsExactly("2044-02-29T00:00Z");
  }

  @Test
  void names_are_read_in_any_case_and_ranges_wrap_around() throws Exception {
    assertThat(Fires.after("0 0 12 ? * fri-Mon", "UTC", "2024-06-04T00:00:00Z", 4))
        .containsExactly("2024-06-07T12:00Z", "2024-06-08T12:00Z", "2024-06-09T12:00Z",
            "2024-06-10T12:00Z");
  }

  @Test
  void a_step_after_names_is_kept_where_quartz_drops_it() throws Exception {
    assertThat(Fires.after("0 0 0 1 MAR-OCT/5 ?", "UTC", "2024-01-01T00:00:00Z", 3))
        .containsExactly("2024-03-01T00:00Z", "2024-08-01T00:00Z", "2025-03-01T00:00Z");
  }

  @Test
  void years_in_the_past_and_impossible_dates_never_fire() throws Exception {
    assertThat(Fires.after("0 0 0 1 1 ? 2020", "UTC", "2024-01-01T00:00:00Z", 1)).isEmpty();
    assertThat(Fires.after("0 0 0 30 2 ?", "UTC", "2024-01-01T00:00:00Z", 1)).isEmpty();
    assertThat(Fires.after("0 0 30 2 ?", "Europe/Berlin", "2024-01-01T00:00:00Z", 1)).isEmpty();
  }

  @Test
  void the_last_year_of_a_range_is_the_last_fire() throws Exception {
    assertThat(Fires.after("0 0 0 1 1 ? 2025-2026", "UTC", "2024-06-01T00:00:00Z", 3))
        .containsExactly("2025-01-01T00:00Z", "2026-01-01T00:00Z");
  }
}
