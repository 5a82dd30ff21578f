package dev.cronloop.notify;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.RunResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Instant;

/**
 * The JSON object a notice carries (issue 16, "Webhook payload"; src/docs/notifications.md): what
 * happened to which run, the top reasons and a sample of failed fetches. It holds URLs as the job
 * file writes them and no header, so no secret. Pure.
 */
final class Payload {
  /** Characters of a captured body a sample shows. */
  static final int BODY_CHARS = 500;

  private Payload() {}

  static JsonObject of(String event, RunResult run, Instant since, Instant at, RunTally tally, URI publicUrl) {
    JsonArray reasons = new JsonArray();
    tally.topReasons().forEach(r -> reasons.add(new JsonObject().put("reason", r.reason()).put("count", r.count())));
    JsonArray sample = new JsonArray();
    tally.sample().forEach(f -> sample.add(sample(f)));
    return new JsonObject()
        .put("event", event)
        .put("job", run.jobId())
        .put("run", run.runId())
        .put("status", run.status().name())
        .put("requests", run.total())
        .put("failed", run.failed())
        .put("since", since == null ? null : since.toString())
        .put("at", at.toString())
        .put("reasons", reasons)
        .put("sample", sample)
        .put("link", publicUrl == null ? null : link(publicUrl, run.runId()));
  }

  /** One failed fetch, with the start of its captured body when the job captures bodies. */
  static JsonObject sample(FetchRow f) {
    JsonObject s = new JsonObject()
        .put("url", f.url())
        .put("outcome", f.outcome().name())
        .put("status", f.statusCode() == 0 ? null : f.statusCode())
        .put("reason", RunTally.reason(f));
    if (f.body() != null) {
      s.put("body", start(f.body(), BODY_CHARS));
    }
    return s;
  }

  /** The first {@code n} characters of {@code text}, never half of a surrogate pair. */
  static String start(String text, int n) {
    if (text.length() <= n) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(n - 1)) ? n - 1 : n;
    return text.substring(0, end);
  }

  /** The run in the API: {@code PUBLIC_URL/api/runs/ID}. */
  static String link(URI publicUrl, long runId) {
    String base = publicUrl.toString();
    return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/runs/" + runId;
  }

  /** One line for chat and mail subjects: "job routers is failing: 37 of 10000 requests failed". */
  static String summary(JsonObject p) {
    String job = p.getString("job");
    String what = switch (p.getString("event")) {
      case "recovery" -> "job " + job + " recovered";
      case "repeat" -> "job " + job + " is still failing";
      case "ping" -> "job " + job + " ran";
      default -> "job " + job + " is failing";
    };
    return what + ": " + p.getInteger("failed", 0) + " of " + p.getInteger("requests", 0) + " requests failed in run "
        + p.getLong("run") + (p.getString("since") == null ? "" : " (failing since " + p.getString("since") + ")");
  }

  /** The summary, the top reasons, the sample and the link, as plain text for mail and chat. */
  static String text(JsonObject p) {
    StringBuilder b = new StringBuilder(summary(p)).append('\n');
    JsonArray reasons = p.getJsonArray("reasons", new JsonArray());
    for (int i = 0; i < reasons.size(); i++) {
      JsonObject r = reasons.getJsonObject(i);
      b.append("  ").append(r.getInteger("count")).append(" × ").append(r.getString("reason")).append('\n');
    }
    JsonArray sample = p.getJsonArray("sample", new JsonArray());
    for (int i = 0; i < sample.size(); i++) {
      JsonObject s = sample.getJsonObject(i);
      b.append("  e.g. ").append(s.getString("url")).append(": ").append(s.getString("outcome"))
          .append(s.getInteger("status") == null ? "" : " " + s.getInteger("status")).append('\n');
    }
    if (p.getString("link") != null) {
      b.append(p.getString("link")).append('\n');
    }
    return b.toString();
  }

}
