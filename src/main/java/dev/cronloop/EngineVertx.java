package dev.cronloop;

import dev.cronloop.server.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.concurrent.CompletableFuture;

/** Makes and closes the Vert.x instance an engine owns ({@link Engine#builder()}). */
final class EngineVertx {
  private EngineVertx() {}

  /**
   * The engine's own Vert.x, made by {@link EngineBuilder#build()} once the options check out;
   * reporting to {@code metrics}, or to none when null (a one-off engine).
   */
  static Vertx create(Metrics metrics) {
    VertxOptions options = new VertxOptions().setEventLoopPoolSize(2).setPreferNativeTransport(true);
    if (metrics == null) {
      return Vertx.builder().with(options).build();
    }
    return Vertx.builder()
        .with(options
            // HTTP client and server metrics are left out: vertx-micrometer 5.0.10 registers
            // their gauges once per target or connection under one meter id, which Micrometer
            // 1.15 reports with a WARN. cronloop's own fetch metrics cover every request by job
            // and outcome; the pools, the event loop and the JVM remain. The same holds for the
            // net client of email notices, counted by cronloop_notifications_total instead.
            .setMetricsOptions(new MicrometerMetricsOptions()
                .setEnabled(true)
                .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)
                .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
                .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)))
        .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
        .build();
  }

  /**
   * Closes {@code vertx}. The close is started from a thread outside Vert.x: a close future bound
   * to the engine's own context could never report, as that context's event loop is what is being
   * shut down.
   */
  static Future<Void> close(Vertx vertx) {
    Promise<Void> closed = Promise.promise();
    CompletableFuture.runAsync(() -> vertx.close().onComplete(closed));
    return closed.future();
  }
}
