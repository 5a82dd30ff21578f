package dev.cronloop.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ChartBucketsTest {
  static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

  @ParameterizedTest(name = "{0} of data gets {1} buckets")
  @CsvSource({
    "PT0S, PT5S", "PT2M, PT5S", "PT4M, PT10S", "PT10M, PT30S", "PT1H, PT2M", "PT6H, PT10M",
    "PT11H, PT15M", "PT12H, PT30M", "PT24H, PT30M",
  })
  void the_bucket_width_follows_the_span_of_the_data(Duration span, Duration width) {
    assertThat(ChartBuckets.width(NOW.minus(span), NOW)).isEqualTo(width);
  }

  @Test
  void a_fresh_install_with_ten_minutes_of_runs_draws_many_bars_not_one() {
    Instant first = NOW.minus(Duration.ofMinutes(10));

    Duration w = ChartBuckets.width(first, NOW);
    long buckets = Duration.between(ChartBuckets.start(first, NOW, w), NOW).toSeconds() / w.toSeconds() + 1;

    assertThat(buckets).isBetween(20L, 48L);
  }

  @Test
  void a_chart_starts_at_the_bucket_that_holds_the_first_fetch() {
    Instant first = Instant.parse("2026-12-06T11:58:17Z");

    assertThat(ChartBuckets.start(first, NOW, Duration.ofSeconds(5))).isEqualTo(Instant.parse("2026-12-06T11:58:15Z"));
    assertThat(ChartBuckets.start(null, NOW, Duration.ofMinutes(30))).isEqualTo(NOW.minus(ChartBuckets.WINDOW));
  }
}
