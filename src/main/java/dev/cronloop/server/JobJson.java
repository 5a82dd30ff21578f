package dev.cronloop.server;

import dev.cronloop.model.JobHealth;
import dev.cronloop.definition.Expect;
import dev.cronloop.definition.JobDefinition;
import dev.cronloop.definition.Problem;
import dev.cronloop.definition.RequestSpec;
import dev.cronloop.definition.Secret;
import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Times;
import dev.cronloop.record.FetchBucket;
import dev.cronloop.record.RunRow;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders definitions, runs and fetches as the JSON the API returns and {@code cronloop runs} and
 * {@code jobs} print: one vocabulary, listed in src/docs/http-api.md. Secrets never leave: every
 * header value, a body and a {@code bodyContains} check print as {@code ***}, and URLs are shown
 * as the job file writes them, before {@code ${VAR}} substitution. Pure.
 */
public final class JobJson {
  static final String HIDDEN = "***";

  private JobJson() {}

  public static JsonObject definition(JobDefinition job) {
    JsonArray requests = new JsonArray();
    job.requests().forEach(r -> requests.add(request(r)));
    return new JsonObject()
        .put("file", job.file() == null ? null : job.file().getFileName().toString())
        .put("schedule", job.schedule().expression())
        .put("zone", job.schedule().zone().getId())
        .put("scheduleText", ScheduleWords.describe(job.schedule().expression()))
        .put("enabled", job.enabled())
        .put("concurrency", job.concurrency())
        .put("overlap", job.overlap().name().toLowerCase())
        .put("misfire", job.misfire().name().toLowerCase().replace('_', '-'))
        .put("spread", duration(job.spread()))
        .put("jitter", duration(job.jitter()))
        .put("retries", new JsonObject()
            .put("max", job.retries().max())
            .put("backoff", duration(job.retries().backoff())))
        .put("requests", requests);
  }

  static JsonObject request(RequestSpec r) {
    JsonObject headers = new JsonObject();
    Map<String, Secret> sorted = new TreeMap<>(r.headers());
    sorted.keySet().forEach(name -> headers.put(name, HIDDEN));
    JsonObject json = new JsonObject()
        .put("method", r.method())
        .put("url", r.urlAsWritten())
        .put("headers", headers)
        .put("body", r.body() == null ? null : HIDDEN)
        .put("timeout", duration(r.timeout()))
        .put("expect", expect(r.expect()));
    if (r.capture().wanted()) {
      json.put("capture", new JsonObject()
          .put("body", r.capture().maxBytes())
          .put("when", r.capture().when().name().toLowerCase(java.util.Locale.ROOT)));
    }
    return json;
  }

  static JsonObject expect(Expect e) {
    return new JsonObject()
        .put("status", e.status() == null ? null : e.status().toString())
        .put("maxLatency", e.maxLatency() == null ? null : duration(e.maxLatency()))
        .put("bodyContains", e.bodyContains() == null ? null : HIDDEN);
  }

  /** A problem with the file named as in the jobs folder, without the folder's own path. */
  public static JsonObject problem(Problem p) {
    String file = p.file().getFileName() == null ? p.file().toString() : p.file().getFileName().toString();
    return new JsonObject()
        .put("file", file)
        .put("line", p.line())
        .put("column", p.column())
        .put("message", p.message())
        .put("text", file + ":" + p.line() + ":" + p.column() + ": " + p.message());
  }

  /** A run with its fetches, as {@code GET /api/runs/{id}} answers. */
  public static JsonObject run(RunRow r, List<FetchRow> fetches) {
    JsonArray a = new JsonArray();
    fetches.forEach(f -> a.add(fetch(f)));
    return run(r).put("fetches", a);
  }

  public static JsonObject run(RunRow r) {
    return new JsonObject()
        .put("id", r.id())
        .put("job", r.jobId())
        .put("node", r.node())
        .put("trigger", r.trigger().name())
        .put("status", r.status().name())
        .put("scheduledAt", instant(r.scheduledAt()))
        .put("firedAt", instant(r.firedAt()))
        .put("startedAt", instant(r.startedAt()))
        .put("finishedAt", instant(r.finishedAt()))
        .put("durationMs", r.startedAt() == null || r.finishedAt() == null
            ? null : Duration.between(r.startedAt(), r.finishedAt()).toMillis())
        .put("requests", r.requestsTotal())
        .put("ok", r.requestsOk())
        .put("failed", r.requestsFailed())
        .put("reason", r.reason());
  }

  /** A fetch; {@code body}, what its {@code capture} kept, only when there is one. */
  static JsonObject fetch(FetchRow f) {
    JsonObject json = new JsonObject()
        .put("run", f.runId())
        .put("job", f.jobId())
        .put("url", f.url())
        .put("method", f.method())
        .put("attempts", f.attempts())
        .put("statusCode", f.statusCode() == 0 ? null : f.statusCode())
        .put("outcome", f.outcome().name())
        .put("error", f.error())
        .put("latencyMs", f.latencyMs())
        .put("bytes", f.bytes())
        .put("startedAt", instant(f.startedAt()))
        .put("finishedAt", instant(f.finishedAt()));
    if (f.body() != null) {
      json.put("body", f.body());
    }
    return json;
  }

  static JsonObject bucket(FetchBucket b) {
    return new JsonObject()
        .put("start", instant(b.start()))
        .put("total", b.total())
        .put("ok", b.ok())
        .put("avgLatencyMs", Math.round(b.avgLatencyMs()))
        .put("maxLatencyMs", b.maxLatencyMs());
  }

  /** An instant as every answer prints it ({@link Times}). */
  public static String instant(Instant i) {
    return Times.format(i);
  }

  /** {@code 500ms}, {@code 5s}, {@code 1m30s}: the form job files use. */
  static String duration(Duration d) {
    if (d == null) {
      return null;
    }
    if (d.isZero()) {
      return "0s";
    }
    long ms = d.toMillis();
    if (ms % 1000 != 0) {
      return ms + "ms";
    }
    long s = ms / 1000;
    StringBuilder sb = new StringBuilder();
    if (s >= 3600) {
      sb.append(s / 3600).append('h');
      s %= 3600;
    }
    if (s >= 60) {
      sb.append(s / 60).append('m');
      s %= 60;
    }
    if (s > 0) {
      sb.append(s).append('s');
    }
    return sb.toString();
  }

  /**
   * A notifying job's health as lists show it: {@code ok} or {@code failing}, failures in a row, and
   * since when it fails ({@code GET /api/jobs/{id}} adds its channels and last notice).
   */
  public static JsonObject health(JobHealth h) {
    return new JsonObject()
        .put("state", h.state())
        .put("consecutiveFailures", h.consecutiveFailures())
        .put("since", instant(h.since()));
  }
}
