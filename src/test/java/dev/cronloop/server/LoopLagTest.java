package dev.cronloop.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The loop lag gauge: how far the once-a-second sample ran late. */
class LoopLagTest {

  @Test
  void a_sample_that_comes_late_shows_how_late_in_the_gauge_and_on_metrics() {
    Metrics metrics = new Metrics();

    long t0 = 5_000_000_000L; // a System.nanoTime() reading
    metrics.sample(0, 0, t0);
    metrics.sample(0, 0, t0 + 1_400_000_000L); // as if the loop had been busy for 400 ms past the second

    double lag = metrics.registry().get("cronloop.loop.lag").gauge().value();
    assertThat(lag).isEqualTo(0.4);
    assertThat(metrics.scrape()).contains("cronloop_loop_lag_seconds ");
    metrics.close();
  }
}
