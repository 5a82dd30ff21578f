package dev.cronloop.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The loop lag gauge: how far the once-a-second sample ran late. */
class LoopLagTest {

  @Test
  void a_sample_that_comes_late_shows_how_late_in_the_gauge_and_on_metrics() throws Exception {
    Metrics metrics = new Metrics();

    metrics.sample(0, 0);
    Thread.sleep(1_400); // as if the loop had been busy for 400 ms past the second
    metrics.sample(0, 0);

    double lag = metrics.registry().get("cronloop.loop.lag").gauge().value();
    assertThat(lag).isGreaterThanOrEqualTo(0.35);
    assertThat(metrics.scrape()).contains("cronloop_loop_lag_seconds ");
    metrics.close();
  }
}
