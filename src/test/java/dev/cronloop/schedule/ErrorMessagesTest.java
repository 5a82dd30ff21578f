package dev.cronloop.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A bad expression names the field, the value and what is allowed, and points at the bad part. */
class ErrorMessagesTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      0 0 * * 8              | day-of-week: 8 is out of range 0-7 (or SUN-SAT)            | 8
      70 * * * * ?           | seconds: 70 is out of range 0-59                           | 0
      */70 * * * * ?         | seconds: step 70 is out of range 1-59                      | 2
      */0 * * * *            | minutes: step 0 must be 1 or more                          | 2
      0 25 * * *             | hours: 25 is out of range 0-23                             | 2
      0 0 32 * *             | day-of-month: 32 is out of range 1-31                      | 4
      0 0 0 * *              | day-of-month: 0 is out of range 1-31                       | 4
      0 0 * 13 *             | month: 13 is out of range 1-12 (or JAN-DEC)                | 6
      0 0 * FOO *            | month: "FOO" is not a number or a name in 1-12 (or JAN-DEC)| 6
      0 0 * * MON-FRI,SUNDAY | day-of-week: "SUNDAY" is not a number or a name in 0-7 (or SUN-SAT) | 16
      0 0 * * 1,,2           | day-of-week: empty list item                               | 10
      5-x * * * *            | minutes: "x" is not a number                               | 2
      0 22-2 * * *           | hours: range 22-2 runs backwards; write 22-23,0-2          | 2
      0 0 0 ? * 8            | day-of-week: 8 is out of range 1-7 (or SUN-SAT)            | 10
      0 0 0 ? * 2#6          | day-of-week: #6 is out of range 1-5                        | 12
      0 0 0 L-31 * ?         | day-of-month: offset 31 is out of range 0-30               | 8
      0 0 0 32W * ?          | day-of-month: 32 is out of range 1-31                      | 6
      0 0 0 1 1 ? 1960       | year: 1960 is out of range 1970-2199                       | 12
      0 ? * * *              | hours: ? is allowed only as the whole day-of-month or day-of-week field of a Quartz expression | 2
      @every 0s              | @every: 0s is zero; it must be at least 1s                 | 7
      @every 500ms           | @every: "500ms" is not a duration; write whole hours, minutes and seconds such as 90s, 5m or 1h30m | 7
      @reboot                | unknown macro @reboot; use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration> | 0
      @daily 5               | @daily takes nothing after it, found "5"                   | 7
      """)
  void message_names_field_value_and_range_and_offset_points_at_the_value(
      String expression, String message, int offset) {
    ScheduleException e = catchThrowableOfType(ScheduleException.class,
        () -> Schedules.parse(expression, ZoneOffset.UTC));

    assertThat(e).hasMessage(message);
    assertThat(e.offset()).isEqualTo(offset);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      0 0 * *         | found 4 fields; expected 5 (Unix: minute hour day-of-month month day-of-week) or 6-7 (Quartz: second minute hour day-of-month month day-of-week [year]) | 7
      0 0 0 * * ? 2024 x | found 8 fields; expected 5 (Unix: minute hour day-of-month month day-of-week) or 6-7 (Quartz: second minute hour day-of-month month day-of-week [year]) | 17
      """)
  void wrong_field_count_says_what_was_found_and_what_is_expected(
      String expression, String message, int offset) {
    ScheduleException e = catchThrowableOfType(ScheduleException.class,
        () -> Schedules.parse(expression, ZoneOffset.UTC));

    assertThat(e).hasMessage(message);
    assertThat(e.offset()).isEqualTo(offset);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      0 0 0 1 * MON | 6
      0 0 0 ? * ?   | 6
      """)
  void quartz_needs_exactly_one_day_field_to_be_a_question_mark(String expression, int offset) {
    ScheduleException e = catchThrowableOfType(ScheduleException.class,
        () -> Schedules.parse(expression, ZoneOffset.UTC));

    assertThat(e.getMessage()).startsWith("day-of-month and day-of-week: Quartz needs exactly one");
    assertThat(e.offset()).isEqualTo(offset);
  }
}
