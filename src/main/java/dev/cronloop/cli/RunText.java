package dev.cronloop.cli;

import dev.cronloop.record.RunQueries;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The text form of runs and fetches for {@code cronloop runs}, read from the same JSON objects
 * {@code --json} prints. The one thing the list adds is why a run's requests failed, summed from
 * its fetches, where the run itself has no reason; {@code --run ID} shows each fetch's. Pure.
 */
final class RunText {
  /** URLs longer than this widen no column; the line just runs on. */
  static final int MAX_URL_COLUMN = 60;

  /** What {@link #detail} says for a run without fetches (a skipped one, or none shown). */
  static final String NO_FETCHES = "no fetches recorded";

  private RunText() {}

  /**
   * A header and one line per run (objects of the API's run vocabulary).
   *
   * @param why for runs whose requests failed, what failed (see {@link #reasons}), by run id
   */
  static List<String> table(JsonArray runs, Map<Long, String> why) {
    List<String> lines = new ArrayList<>();
    lines.add(String.format("%-8s %-24s %-11s %-9s %-24s %9s %7s %7s  %s",
        "RUN", "JOB", "STATUS", "TRIGGER", "FIRED", "DURATION", "OK", "FAILED", "REASON"));
    for (int i = 0; i < runs.size(); i++) {
      JsonObject r = runs.getJsonObject(i);
      lines.add(String.format("%-8d %-24s %-11s %-9s %-24s %9s %7d %7d  %s",
          r.getLong("id"), r.getString("job"), r.getString("status"), r.getString("trigger"),
          text(r.getString("firedAt")), millis(r.getLong("durationMs")), r.getInteger("ok"),
          r.getInteger("failed"), text(r.getString("reason"), why.getOrDefault(r.getLong("id"), "")))
          .stripTrailing());
    }
    return lines;
  }

  /**
   * One run (the answer of {@code GET /api/runs/{id}}): what it was and how it ended, then a line
   * per fetch with its reason, and a fetch's captured body, when it has one, below it.
   */
  static List<String> detail(JsonObject run) {
    List<String> lines = new ArrayList<>();
    lines.add("run " + run.getLong("id") + " of job " + run.getString("job") + ": "
        + run.getString("status") + " (" + run.getInteger("ok") + " of " + run.getInteger("requests")
        + " requests ok, " + run.getInteger("failed") + " failed)");
    lines.add("trigger " + run.getString("trigger") + ", node " + text(run.getString("node")));
    lines.add("scheduled " + text(run.getString("scheduledAt")) + "  fired " + text(run.getString("firedAt"))
        + "  started " + text(run.getString("startedAt")) + "  finished " + text(run.getString("finishedAt"))
        + "  duration " + millis(run.getLong("durationMs")));
    if (run.getString("reason") != null) {
      lines.add("reason: " + run.getString("reason"));
    }
    JsonArray fetches = run.getJsonArray("fetches", new JsonArray());
    lines.add("");
    if (fetches.isEmpty()) {
      lines.add(NO_FETCHES);
      return lines;
    }
    int url = 3;
    for (int i = 0; i < fetches.size(); i++) {
      url = Math.max(url, Math.min(MAX_URL_COLUMN, fetches.getJsonObject(i).getString("url").length()));
    }
    String row = "%-14s %6s %9s %8s %-7s %-" + url + "s  %s";
    lines.add(String.format(row, "OUTCOME", "STATUS", "LATENCY", "ATTEMPTS", "METHOD", "URL", "REASON"));
    for (int i = 0; i < fetches.size(); i++) {
      JsonObject f = fetches.getJsonObject(i);
      Integer code = f.getInteger("statusCode");
      lines.add(String.format(row, f.getString("outcome"), code == null ? "-" : code.toString(),
          millis(f.getLong("latencyMs")), f.getInteger("attempts"), f.getString("method"),
          f.getString("url"), text(f.getString("error"), "")).stripTrailing());
      body(f).ifPresent(lines::addAll);
    }
    return lines;
  }

  /**
   * For each run, its fetches' failures in a few words, the most frequent first: {@code status
   * 503 not in 200-299 (12), connection refused (3)}, and {@code +N more} past three kinds.
   */
  static Map<Long, String> reasons(Map<Long, List<RunQueries.FailureCount>> failures) {
    Map<Long, String> why = new HashMap<>();
    failures.forEach((run, counts) -> {
      List<String> parts = new ArrayList<>();
      counts.stream().limit(3).forEach(c ->
          parts.add((c.error() == null ? c.outcome().name() : c.error()) + " (" + c.count() + ")"));
      if (counts.size() > 3) {
        parts.add("+" + (counts.size() - 3) + " more");
      }
      why.put(run, String.join(", ", parts));
    });
    return why;
  }

  /** A captured body, indented below its fetch; none when the row has none. */
  private static Optional<List<String>> body(JsonObject fetch) {
    Object body = fetch.getValue("body");
    if (body == null) {
      return Optional.empty();
    }
    List<String> lines = new ArrayList<>();
    String text = body instanceof String s ? s : body.toString();
    lines.add("  body:");
    text.lines().forEach(l -> lines.add("    " + l));
    return Optional.of(lines);
  }

  private static String millis(Long ms) {
    return ms == null ? "-" : ms + "ms";
  }

  private static String text(String s) {
    return text(s, "-");
  }

  private static String text(String s, String none) {
    return s == null ? none : s;
  }
}
