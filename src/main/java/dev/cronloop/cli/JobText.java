package dev.cronloop.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The text form of {@code cronloop jobs}, read from the answer {@code GET /api/jobs} gives (or
 * {@link LocalJobs} builds): a line per job, then the problems of the files that do not load as
 * {@code FILE:LINE:COL: message}. Pure.
 */
final class JobText {
  private JobText() {}

  static List<String> table(JsonObject answer) {
    JsonArray jobs = answer.getJsonArray("jobs", new JsonArray());
    int id = 3;
    for (int i = 0; i < jobs.size(); i++) {
      id = Math.max(id, Math.min(40, jobs.getJsonObject(i).getString("id").length()));
    }
    int health = 6;
    for (int i = 0; i < jobs.size(); i++) {
      health = Math.max(health, health(jobs.getJsonObject(i).getValue("health")).length());
    }
    String row = "%-" + id + "s  %-9s  %-" + health + "s  %-24s  %s";
    List<String> lines = new ArrayList<>();
    lines.add(String.format(row, "JOB", "STATE", "HEALTH", "NEXT FIRE", "LAST RUN"));
    for (int i = 0; i < jobs.size(); i++) {
      JsonObject j = jobs.getJsonObject(i);
      JsonArray next = j.getJsonArray("nextFires", new JsonArray());
      lines.add(String.format(row, j.getString("id"), j.getString("state"), health(j.getValue("health")),
          next.isEmpty() ? "-" : next.getString(0), lastRun(j.getJsonObject("lastRun"))).stripTrailing());
    }
    JsonArray problems = answer.getJsonArray("problems", new JsonArray());
    if (!problems.isEmpty()) {
      lines.add("");
      lines.add(problems.size() + (problems.size() == 1 ? " problem" : " problems")
          + " in job files (cronloop validate for the full paths):");
      for (int i = 0; i < problems.size(); i++) {
        lines.add(problems.getJsonObject(i).getString("text"));
      }
    }
    return lines;
  }

  /**
   * The health the engine reports, when it does: a word such as {@code ok}, or an object with a
   * {@code state} and the instant it holds {@code since}. {@code -} when unknown.
   */
  static String health(Object health) {
    if (health == null) {
      return "-";
    }
    if (health instanceof JsonObject h) {
      Object state = h.getValue("state", h.getValue("status"));
      String since = h.getValue("since") == null ? "" : " since " + h.getValue("since");
      return state == null ? h.encode() : state + since;
    }
    return health.toString();
  }

  private static String lastRun(JsonObject run) {
    if (run == null) {
      return "-";
    }
    String reason = run.getString("reason") == null ? "" : ": " + run.getString("reason");
    return run.getString("status") + " " + run.getInteger("ok") + "/" + run.getInteger("requests")
        + " at " + run.getString("firedAt") + " (run " + run.getLong("id") + ")" + reason;
  }
}
