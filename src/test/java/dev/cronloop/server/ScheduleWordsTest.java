package dev.cronloop.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScheduleWordsTest {

  @ParameterizedTest(name = "{0} reads \"{1}\"")
  @CsvSource(delimiter = '|', value = {
      "*/10 * * * * ?|every 10 seconds",
      "* * * * * ?|every second",
      "15,45 * * * * ?|at seconds 15 and 45 of every minute",
      "0 */5 * * * ?|every 5 minutes",
      "*/5 * * * *|every 5 minutes",
      "* * * * *|every minute",
      "30 * * * * ?|every minute at second 30",
      "7 * * * *|every hour at minute 7",
      "0 */2 * * *|every 2 hours at minute 0",
      "30 9 * * MON-FRI|at 09:30 on weekdays",
      "30 9 * * 1-5|at 09:30 on weekdays",
      "0 30 9 ? * 2-6|at 09:30 on weekdays",
      "0 30 9 ? * 1-5|0 30 9 ? * 1-5",
      "0 8,20 * * *|at 08:00 and 20:00",
      "0 0 1 * *|at 00:00 on day 1 of every month",
      "0 6 * * SUN|at 06:00 on Sundays",
      "0 6 * * SAT,SUN|at 06:00 on weekends",
      "0 0 12 25 12 ?|at 12:00 on day 25 of December",
      "@daily|every day at 00:00",
      "@hourly|every hour at minute 0",
      "@every 90s|every 90 seconds",
      "@every 1h30m|every 1 hour 30 minutes",
      "@every 5m|every 5 minutes",
      "0 0 0 1 1 ? 2099|0 0 0 1 1 ? 2099",
      "0 15 10 L * ?|0 15 10 L * ?",
  })
  void common_schedules_read_as_words_and_the_rest_as_written(String expression, String words) {
    assertThat(ScheduleWords.describe(expression)).isEqualTo(words);
  }
}
