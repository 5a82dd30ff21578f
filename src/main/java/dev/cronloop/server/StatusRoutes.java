package dev.cronloop.server;

import dev.cronloop.definition.Catalog;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Instant;

/**
 * The status page: {@code GET /api/status?q=&state=&offset=&limit=}, its data for one page of jobs
 * in one answer, the page itself at {@code GET /} and the chart library it uses at {@code GET
 * /vendor/uplot/}, served from the uPlot WebJar inside the jar.
 */
final class StatusRoutes {
  /** Where the uPlot WebJar keeps its files on the class path. */
  static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist";

  private final ApiSupport api;
  private final JobRoutes jobRoutes;

  StatusRoutes(ApiSupport api, JobRoutes jobs) {
    this.api = api;
    this.jobRoutes = jobs;
  }

  /** The data route, which must come before the API's catch-all. */
  void mount(Router r) {
    r.get("/api/status").handler(this::status);
  }

  /** The page's files, served last: after every API route. */
  void mountPage(Router r) {
    r.get("/vendor/uplot/*").handler(StaticHandler.create(UPLOT).setMaxAgeSeconds(86_400));
    r.get("/*").handler(StaticHandler.create("cronloop-web").setCachingEnabled(false).setIndexPage("index.html"));
  }

  /**
   * Everything the status page shows in one answer: counts over all jobs, the page of jobs the
   * query selects with their last run, next fire, history strip, uptime and charts, recent failures
   * (also grouped by job) and the job files that do not load.
   */
  private void status(RoutingContext ctx) {
    Catalog catalog = api.started(ctx);
    if (catalog == null) {
      return;
    }
    StatusQuery query = StatusQuery.from(ctx);
    if (query == null) {
      return;
    }
    Instant now = api.engine.clock().instant();
    api.blocking(() -> StatusData.read(jobRoutes.index(catalog), api.engine.queries(), query, now))
        .onSuccess(data -> ctx.json(new StatusJson(jobRoutes, api.engine).render(catalog, query, data)))
        .onFailure(ctx::fail);
  }
}
