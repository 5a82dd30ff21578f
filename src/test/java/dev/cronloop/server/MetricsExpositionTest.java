package dev.cronloop.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.definition.JobDefinition;
import dev.cronloop.definition.JobFileParser;
import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Fire;
import dev.cronloop.model.Outcome;
import dev.cronloop.model.RunResult;
import dev.cronloop.model.RunStatus;
import dev.cronloop.model.Trigger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The per-job series of {@code /metrics} are a contract (http-api.md): names, labels, buckets and
 * values. These are the exact exposition lines of two jobs after a fire, four requests and a run
 * each (and the engine-wide series beside them), as the registry wrote them before the per-job
 * meters were made smaller; they must not move.
 */
class MetricsExpositionTest {
  private static final Instant SCHEDULED = Instant.parse("2026-12-06T21:00:00Z");

  @Test
  void one_job_s_series_are_exactly_the_documented_ones() throws IOException {
    try (Metrics metrics = new Metrics(InstantSource.fixed(SCHEDULED.plusMillis(45)), false)) {
      exercise(metrics, "golden");
      exercise(metrics, "other"); // a second job shares the collectors, not the series

      String scrape = metrics.scrape();
      if (System.getProperty("golden.write") != null) {
        Files.writeString(Path.of(System.getProperty("golden.write")), scrape);
      }
      assertThat(scrape.lines()).containsExactlyElementsOf(golden().lines().toList());
      assertThat(lines(scrape, "golden")).hasSize(lines(scrape, "other").size()).hasSizeGreaterThan(20);
    }
  }

  @Test
  void the_scrape_served_over_http_is_byte_for_byte_the_text_scrape() {
    try (Metrics metrics = new Metrics(InstantSource.system(), false)) {
      for (int i = 0; i < 50; i++) {
        exercise(metrics, "job-" + i);
      }
      String text = metrics.scrape();
      assertThat(metrics.exposition().getBytes()).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
      // The second one is sized from the first: still the same bytes.
      assertThat(metrics.exposition().toString(StandardCharsets.UTF_8)).isEqualTo(metrics.scrape());
    }
  }

  private static void exercise(Metrics metrics, String id) {
    JobDefinition job = JobFileParser.withEnv(Map.of())
        .parse(Path.of(id + ".yaml"), "schedule: \"*/1 * * * *\"\nrequests:\n  - http://127.0.0.1:1/\n")
        .jobs().get(0);
    metrics.fired(Fire.scheduled(job, SCHEDULED, SCHEDULED.plusMillis(40)));
    metrics.runStarting(1, id, Trigger.SCHEDULE, SCHEDULED);
    long[] latencies = {7, 30, 120};
    for (long ms : latencies) {
      metrics.fetchStarting(1, id, "http://127.0.0.1:1/");
      metrics.fetchEnded(fetch(id, Outcome.OK, ms));
    }
    metrics.fetchEnded(fetch(id, Outcome.TIMEOUT, 5_000));
    metrics.runEnded(new RunResult(1, id, RunStatus.FAILED, 4, 3, 1, SCHEDULED, SCHEDULED.plusSeconds(6)));
  }

  private static FetchRow fetch(String job, Outcome outcome, long ms) {
    return new FetchRow(1, job, "http://127.0.0.1:1/", "GET", 1, outcome == Outcome.OK ? 200 : 0, outcome, null,
        ms, 2, SCHEDULED, SCHEDULED.plusMillis(ms));
  }

  private static List<String> lines(String scrape, String job) {
    return scrape.lines().filter(l -> l.contains("job=\"" + job + "\"")).toList();
  }

  /** The whole scrape of the two jobs, engine-wide series included, as written at 8889288. */
  private static String golden() throws IOException {
    try (var in = MetricsExpositionTest.class.getResourceAsStream("metrics-golden.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
