package dev.cronloop.cli;

import dev.cronloop.definition.Catalog;
import dev.cronloop.definition.JobDefinition;
import dev.cronloop.definition.JobState;
import dev.cronloop.definition.Problem;
import dev.cronloop.model.JobHealth;
import dev.cronloop.record.RunRow;
import dev.cronloop.schedule.FireTimes;
import dev.cronloop.schedule.Spread;
import dev.cronloop.server.JobJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code cronloop jobs} without an engine: the answer {@code GET /api/jobs} would give, built from
 * the jobs folder and the database (pauses, last runs, health), with the API's keys. The next fire comes
 * from the schedule and spread, as {@code cronloop next} computes it; a running engine may differ
 * only for a misfire it is catching up on. A job can only be {@code invalid} on a running engine
 * (it keeps its last good version); read alone, a file that does not load is one of {@code
 * invalidFiles}. Pure.
 */
final class LocalJobs {
  private LocalJobs() {}

  /**
   * @param last the newest finished run of each job, by id
   * @param paused the ids of the paused jobs
   * @param health the health of the jobs counted so far, by id (only notifying jobs show one)
   * @param now where the next fire is computed from
   */
  static JsonObject of(Catalog catalog, Map<String, RunRow> last, Set<String> paused, Map<String, JobHealth> health,
      Instant now) {
    JsonArray jobs = new JsonArray();
    for (JobDefinition job : catalog.jobs()) {
      List<Problem> own = catalog.state(job.id()).map(JobState::problems).orElse(List.of());
      String state = state(catalog, job, paused.contains(job.id()));
      JsonArray next = new JsonArray();
      if (job.enabled() && !paused.contains(job.id())) {
        FireTimes.next(job.schedule(), Spread.offset(job.id(), job.spread()), now)
            .ifPresent(t -> next.add(JobJson.instant(t)));
      }
      RunRow run = last.get(job.id());
      JsonObject summary = new JsonObject()
          .put("id", job.id())
          .put("state", state)
          .put("paused", paused.contains(job.id()))
          .put("problems", problems(own))
          .put("nextFires", next)
          .put("lastRun", run == null ? null : JobJson.run(run))
          .put("definition", JobJson.definition(job));
      if (job.notices() != null) {
        summary.put("health", JobJson.health(health.getOrDefault(job.id(), JobHealth.initial(job.id()))));
      }
      jobs.add(summary);
    }
    JsonArray files = new JsonArray();
    catalog.invalidFiles().forEach((file, problems) -> files.add(new JsonObject()
        .put("file", name(file))
        .put("state", "invalid")
        .put("jobs", new JsonArray())
        .put("problems", problems(problems))));
    return new JsonObject()
        .put("jobs", jobs)
        .put("invalidFiles", files)
        .put("problems", problems(catalog.problems()));
  }

  /** As the API words it: invalid, then disabled, paused or scheduled. */
  private static String state(Catalog catalog, JobDefinition job, boolean paused) {
    if (catalog.state(job.id()).map(s -> s.status() == JobState.Status.INVALID).orElse(false)) {
      return "invalid";
    }
    if (!job.enabled()) {
      return "disabled";
    }
    return paused ? "paused" : "scheduled";
  }

  private static JsonArray problems(List<Problem> problems) {
    JsonArray a = new JsonArray();
    problems.forEach(p -> a.add(JobJson.problem(p)));
    return a;
  }

  private static String name(Path file) {
    return file.getFileName() == null ? file.toString() : file.getFileName().toString();
  }
}
