package dev.cronloop.server;

import dev.cronloop.definition.Catalog;
import dev.cronloop.definition.JobDefinition;
import dev.cronloop.record.FetchBucket;
import dev.cronloop.record.RunRow;
import dev.cronloop.record.Uptime;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * Renders {@link StatusData} as the answer of {@code GET /api/status} (src/docs/http-api.md,
 * "Status page"). Runs on the context that serves the request; reads only engine state that is
 * safe from any thread.
 */
final class StatusJson {
  private final JobRoutes jobs;
  private final EngineView engine;

  StatusJson(JobRoutes jobs, EngineView engine) {
    this.jobs = jobs;
    this.engine = engine;
  }

  JsonObject render(Catalog catalog, StatusQuery query, StatusData data) {
    JsonArray page = new JsonArray();
    for (JobDefinition j : data.page()) {
      page.add(job(catalog, j, data));
    }
    JsonArray failures = new JsonArray();
    data.failures().forEach(f -> failures.add(JobJson.fetch(f)));
    JsonArray byJob = new JsonArray();
    data.failuresByJob().forEach(g -> byJob.add(new JsonObject()
        .put("job", g.jobId()).put("count", g.count()).put("last", JobJson.fetch(g.last()))));
    JsonObject counts = new JsonObject();
    data.counts().forEach(counts::put);
    return new JsonObject()
        .put("now", data.now().toString())
        .put("since", data.now().minus(ChartBuckets.WINDOW).toString())
        .put("scheduler", engine.schedulerRunning())
        .put("counts", counts.put("matched", data.matched()).put("invalidFiles", catalog.invalidFiles().size()))
        .put("offset", query.offset())
        .put("nextOffset", query.nextOffset(data.matched()))
        .put("jobs", page)
        .put("failures", failures)
        .put("failuresByJob", byJob)
        .put("problems", JobRoutes.problems(catalog.problems()));
  }

  private JsonObject job(Catalog catalog, JobDefinition j, StatusData data) {
    JsonObject o = jobs.jobSummary(catalog, j, data.last().get(j.id()), 1);
    o.put("failing", StatusData.failing(data.last().get(j.id())));
    JsonArray strip = new JsonArray();
    List<RunRow> runs = data.history().getOrDefault(j.id(), List.of());
    for (int i = runs.size() - 1; i >= 0; i--) {
      strip.add(stripRun(runs.get(i)));
    }
    o.put("history", strip);
    o.put("uptime", uptime(data.uptime().getOrDefault(j.id(), Uptime.NONE)));
    o.put("stats", stats(data.charts().get(j.id())));
    return o;
  }

  /** A run as a bar of the history strip: what its tooltip and link need, and no more. */
  static JsonObject stripRun(RunRow r) {
    return new JsonObject()
        .put("id", r.id())
        .put("status", r.status().name())
        .put("trigger", r.trigger().name())
        .put("firedAt", JobJson.instant(r.firedAt()))
        .put("durationMs", r.startedAt() == null || r.finishedAt() == null
            ? null : Duration.between(r.startedAt(), r.finishedAt()).toMillis())
        .put("ok", r.requestsOk())
        .put("requests", r.requestsTotal())
        .put("reason", r.reason());
  }

  static JsonObject uptime(Uptime u) {
    return new JsonObject()
        .put("24h", window(u.ok24h(), u.total24h()))
        .put("7d", window(u.ok7d(), u.total7d()))
        .put("30d", window(u.ok30d(), u.total30d()));
  }

  private static JsonObject window(int ok, int total) {
    return new JsonObject().put("ok", ok).put("runs", total)
        .put("percent", total == 0 ? null : Math.floor(1000.0 * ok / total) / 10);
  }

  private static JsonObject stats(StatusData.Chart chart) {
    JsonArray buckets = new JsonArray();
    int total = 0;
    int ok = 0;
    for (FetchBucket b : chart.buckets()) {
      buckets.add(JobJson.bucket(b));
      total += b.total();
      ok += b.ok();
    }
    return new JsonObject()
        .put("fetches", total)
        .put("ok", ok)
        .put("bucketSeconds", chart.width().toSeconds())
        .put("from", chart.start().toString())
        .put("buckets", buckets);
  }
}
