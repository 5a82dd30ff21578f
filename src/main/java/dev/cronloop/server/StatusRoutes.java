package dev.cronloop.server;

import dev.cronloop.definition.Catalog;
import dev.cronloop.definition.JobDefinition;
import dev.cronloop.model.FetchRow;
import dev.cronloop.record.FetchBucket;
import dev.cronloop.record.RunQueries;
import dev.cronloop.record.RunRow;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The status page: {@code GET /api/status}, its data in one answer, and the page itself at {@code GET /}. */
final class StatusRoutes {
  static final Duration STATS_WINDOW = Duration.ofHours(24);
  static final Duration STATS_BUCKET = Duration.ofMinutes(30);

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
    r.get("/*").handler(StaticHandler.create("cronloop-web").setCachingEnabled(false).setIndexPage("index.html"));
  }

  /**
   * Everything the status page shows in one answer: jobs with their last run and next fire,
   * 24 hours of fetch statistics per job in 30-minute buckets, recent failures, invalid files.
   */
  private void status(RoutingContext ctx) {
    Catalog catalog = api.started(ctx);
    if (catalog == null) {
      return;
    }
    Instant now = api.engine.clock().instant();
    Instant since = now.minus(STATS_WINDOW);
    RunQueries q = api.engine.queries();
    api.blocking(() -> new StatusData(JobRoutes.lastRuns(q), q.buckets(since, STATS_BUCKET), q.recentFailures(20)))
        .onSuccess(data -> ctx.json(statusJson(catalog, data, now, since)))
        .onFailure(ctx::fail);
  }

  private record StatusData(
      Map<String, RunRow> last, List<FetchBucket> buckets, List<FetchRow> failures) {}

  private JsonObject statusJson(Catalog catalog, StatusData data, Instant now, Instant since) {
    Map<String, List<FetchBucket>> byJob = new HashMap<>();
    data.buckets().forEach(b -> byJob.computeIfAbsent(b.jobId(), k -> new ArrayList<>()).add(b));
    JsonArray jobs = new JsonArray();
    for (JobDefinition j : catalog.jobs()) {
      JsonObject o = jobRoutes.jobSummary(catalog, j, data.last().get(j.id()), 1);
      JsonArray buckets = new JsonArray();
      int total = 0;
      int ok = 0;
      for (FetchBucket b : byJob.getOrDefault(j.id(), List.of())) {
        buckets.add(JobJson.bucket(b));
        total += b.total();
        ok += b.ok();
      }
      o.put("stats", new JsonObject().put("fetches", total).put("ok", ok).put("buckets", buckets));
      jobs.add(o);
    }
    JsonArray failures = new JsonArray();
    data.failures().forEach(f -> failures.add(JobJson.fetch(f)));
    return new JsonObject()
        .put("now", now.toString())
        .put("since", since.toString())
        .put("bucketSeconds", STATS_BUCKET.toSeconds())
        .put("scheduler", api.engine.schedulerRunning())
        .put("jobs", jobs)
        .put("failures", failures)
        .put("problems", JobRoutes.problems(catalog.problems()));
  }
}
