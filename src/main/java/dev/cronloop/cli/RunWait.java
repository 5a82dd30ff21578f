package dev.cronloop.cli;

import dev.cronloop.StartupFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * {@code cronloop trigger JOB --wait}: polls {@code GET /api/runs/{id}} until the run is no longer
 * RUNNING, then prints it (its failed fetches with their reasons, or the API's JSON) and gives
 * {@code fire}'s exit status: 0 when every request passed, 1 otherwise.
 *
 * <p>Runs on: the command's main thread, which sleeps between polls (it owns no event loop).
 */
final class RunWait {
  /** Between two polls; a run of one request on loopback ends within one or two. */
  static final Duration POLL = Duration.ofMillis(200);

  private RunWait() {}

  static int until(EngineApi engine, long run, Duration atMost, boolean json, PrintWriter out)
      throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (true) {
      JsonObject found = engine.run(run).orElse(null);
      if (found != null && !"RUNNING".equals(found.getString("status"))) {
        print(found, json, out);
        return found.getInteger("failed", 0) == 0 && "OK".equals(found.getString("status")) ? 0 : 1;
      }
      if (System.nanoTime() > deadline) {
        throw new StartupFailure("run " + run + " was still " + (found == null ? "not recorded"
            : "RUNNING") + " after " + atMost.toSeconds() + "s; it goes on: cronloop runs --run "
            + run + " shows it later, or wait longer with --wait 30m", StartupFailure.RUNTIME);
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /**
   * JSON: the API's answer as it is. Text: the run as {@code runs --run ID --failed} prints it,
   * only the fetches that did not pass, so a run of 20,000 requests stays readable.
   */
  private static void print(JsonObject run, boolean json, PrintWriter out) {
    if (json) {
      out.println(run.encode());
      return;
    }
    JsonArray failed = new JsonArray();
    run.getJsonArray("fetches", new JsonArray()).forEach(f -> {
      if (!"OK".equals(((JsonObject) f).getString("outcome"))) {
        failed.add(f);
      }
    });
    for (String line : RunText.detail(run.copy().put("fetches", failed))) {
      boolean allPassed = failed.size() == 0 && run.getInteger("requests", 0) > 0;
      out.println(allPassed && line.equals(RunText.NO_FETCHES) ? "every request passed its checks" : line);
    }
  }
}
