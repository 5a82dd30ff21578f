package dev.cronloop.server;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /health}, {@code GET /ready} and {@code GET /metrics}. */
final class HealthRoutes {
  private final ApiSupport api;
  private final Metrics metrics;

  HealthRoutes(ApiSupport api, Metrics metrics) {
    this.api = api;
    this.metrics = metrics;
  }

  void mount(Router r) {
    r.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "up")));
    r.get("/ready").handler(this::ready);
    r.get("/metrics").handler(this::metrics);
  }

  private void ready(RoutingContext ctx) {
    boolean scheduler = api.engine.schedulerRunning();
    api.blocking(api.engine::databaseReachable)
        .otherwise(false)
        .onSuccess(database -> {
          boolean degraded = api.engine.recorderDegraded();
          boolean ok = scheduler && database && !degraded;
          ctx.response().setStatusCode(ok ? 200 : 503);
          ctx.json(new JsonObject().put("ready", ok).put("scheduler", scheduler).put("database", database)
              .put("recorder", degraded ? "degraded: outcomes go to the journal" : "ok"));
        });
  }

  private void metrics(RoutingContext ctx) {
    api.blocking(metrics::exposition)
        .onSuccess(text -> ctx.response()
            .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
            .end(text))
        .onFailure(ctx::fail);
  }
}
