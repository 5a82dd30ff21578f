package dev.cronloop.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Vixie cron's rules for the five Unix fields and the macros, on 2024's calendar (UTC). */
class UnixRulesTest {

  @Test
  void zero_and_seven_are_both_sunday() throws Exception {
    assertThat(Fires.after("0 0 * * 7", "UTC", "2024-06-01T00:00:00Z", 1))
        .isEqualTo(Fires.after("0 0 * * 0", "UTC", "2024-06-01T00:00:00Z", 1))
        .containsExactly("2024-06-02T00:00Z");
    assertThat(Fires.after("0 0 * * 5-7", "UTC", "2024-06-01T12:00:00Z", 2))
        .containsExactly("2024-06-02T00:00Z", "2024-06-07T00:00Z");
  }

  @Test
  void names_in_any_case_work_in_ranges_and_lists() throws Exception {
    assertThat(Fires.after("0 0 1 jAn-Feb,dec mon-wed", "UTC", "2024-01-31T12:00:00Z", 2))
        .containsExactly("2024-02-01T00:00Z", "2024-02-05T00:00Z");
  }

  @Test
  void both_day_fields_restricted_means_either_matches() throws Exception {
    assertThat(Fires.after("0 0 13 * fri", "UTC", "2024-09-01T00:00:00Z", 3))
        .as("Fridays and the 13th, not only Friday the 13th")
        .containsExactly("2024-09-06T00:00Z", "2024-09-13T00:00Z", "2024-09-20T00:00Z");
  }

  @Test
  void a_day_field_starting_with_star_is_unrestricted_so_the_other_is_anded() throws Exception {
    assertThat(Fires.after("0 0 */2 * mon", "UTC", "2024-06-01T00:00:00Z", 2))
        .as("odd days that are Mondays")
        .containsExactly("2024-06-03T00:00Z", "2024-06-17T00:00Z");
  }

  @Test
  void one_to_thirty_one_is_restricted_so_it_is_ored() throws Exception {
    assertThat(Fires.after("0 0 1-31 * mon", "UTC", "2024-05-31T12:00:00Z", 2))
        .containsExactly("2024-06-01T00:00Z", "2024-06-02T00:00Z");
  }

  @Test
  void days_past_a_short_months_end_are_skipped() throws Exception {
    assertThat(Fires.after("0 0 31 * *", "UTC", "2024-03-31T12:00:00Z", 2))
        .containsExactly("2024-05-31T00:00Z", "2024-07-31T00:00Z");
  }

  @Test
  void macros_expand_as_in_vixie_cron() throws Exception {
    String from = "2024-06-12T10:30:00Z";
    assertThat(Fires.after("@yearly", "UTC", from, 1)).containsExactly("2025-01-01T00:00Z");
    assertThat(Fires.after("@annually", "UTC", from, 1)).containsExactly("2025-01-01T00:00Z");
    assertThat(Fires.after("@monthly", "UTC", from, 1)).containsExactly("2024-07-01T00:00Z");
    assertThat(Fires.after("@weekly", "UTC", from, 1)).containsExactly("2024-06-16T00:00Z");
    assertThat(Fires.after("@daily", "UTC", from, 1)).containsExactly("2024-06-13T00:00Z");
    assertThat(Fires.after("@midnight", "UTC", from, 1)).containsExactly("2024-06-13T00:00Z");
    assertThat(Fires.after("@HOURLY", "UTC", from, 1)).containsExactly("2024-06-12T11:00Z");
  }

  @Test
  void every_fires_at_whole_multiples_since_the_epoch() throws Exception {
    assertThat(Fires.after("@every 1h30m", "UTC", "2024-06-12T10:30:00Z", 2))
        .containsExactly("2024-06-12T12:00Z", "2024-06-12T13:30Z");
    assertThat(Fires.after("@every 90s", "Asia/Kolkata", "1970-01-01T00:00:00.5Z", 1))
        .containsExactly("1970-01-01T05:31:30+05:30");
  }

  @Test
  void a_fraction_of_a_second_is_not_a_fire_time() throws Exception {
    assertThat(Fires.after("* * * * *", "UTC", "2024-06-12T10:30:59.999Z", 1))
        .containsExactly("2024-06-12T10:31Z");
  }

  @Test
  void question_mark_in_a_unix_day_field_means_star() throws Exception {
    assertThat(Fires.after("0 0 1 * ?", "UTC", "2024-06-12T00:00:00Z", 1))
        .containsExactly("2024-07-01T00:00Z");
  }

  @Test
  void next_is_a_pure_function_of_its_argument() throws Exception {
    Schedule schedule = Schedules.parse("*/7 3-5 * * 1-5", java.time.ZoneId.of("Europe/Berlin"));
    java.time.Instant from = java.time.Instant.parse("2024-10-26T00:00:00Z");

    assertThat(schedule.next(from)).isEqualTo(schedule.next(from));
    assertThat(schedule.expression()).isEqualTo("*/7 3-5 * * 1-5");
    assertThat(schedule.zone()).hasToString("Europe/Berlin");
  }
}
