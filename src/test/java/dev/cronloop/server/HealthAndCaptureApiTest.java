package dev.cronloop.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.testkit.BodyServer;
import dev.cronloop.testkit.EngineInvariants;
import dev.cronloop.testkit.EngineWithApi;
import dev.cronloop.testkit.JobFiles;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 against a real engine (Quartz, Vert.x, an H2 file, a loopback target): captured bodies
 * in {@code GET /api/runs/{id}}, per-job health in {@code /metrics}, and {@code /metrics} passing
 * {@code promtool check metrics}.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthAndCaptureApiTest {
  private static final String TOKEN = "test-token-0123456789abcdef";
  private static final String NEVER = EngineWithApi.NEVER;

  @RegisterExtension final EngineInvariants invariants = new EngineInvariants();
  @TempDir static Path dir;
  private EngineWithApi<BodyServer> app;
  private BodyServer target;
  private Http http;
  private Path jobs;

  @BeforeAll
  void start() throws Exception {
    app = EngineWithApi.in(dir, BodyServer.start()).token(TOKEN).checkedBy(invariants);
    target = app.target();
    jobs = app.jobs();
    job("down", target.url("status=503&type=application/json&text=%7B%22error%22%3A%22db%20down%22%7D"));
    job("up", target.url("type=text/plain&text=fine"));
    job("flaky", target.url("status=500&text=no"));
    job("leaving", target.url("text=bye"));
    job("lint", target.url("status=500&type=image/png&binary=100"));
    job("idle", target.url("text=never"));
    JobFiles.write(jobs, "tolerant.yaml", """
        schedule: "%s"
        failWhen: { failed: 50%% }
        requests: ["%s", "%s", "%s", "%s"]
        """.formatted(NEVER, target.url("text=a"), target.url("text=b"), target.url("text=c"),
            target.url("status=500&text=d")));
    JobFiles.write(jobs, "ticking.yaml", """
        schedule: "* * * * * ?"
        requests: ["%s"]
        """.formatted(target.url("text=tick")));
    app.start();
    http = new Http(app.url());
  }

  private void job(String id, String url) throws IOException {
    JobFiles.write(jobs, id + ".yaml", """
        schedule: "%s"
        overlap: allow
        capture: { body: 4KiB, when: failure }
        requests: ["%s"]
        """.formatted(NEVER, url));
  }

  @AfterAll
  void stop() throws Exception {
    app.close();
  }

  /** Triggers {@code job} and waits for its run to end; returns the run as the API shows it. */
  private JsonObject run(String job) throws Exception {
    long run = http.post("/api/jobs/" + job + "/trigger", TOKEN).json().getLong("run");
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      String status = http.get("/api/runs/" + run).json().getString("status");
      return status.equals("OK") || status.equals("FAILED") || status.equals("PARTIAL");
    });
    return http.get("/api/runs/" + run).json();
  }

  /** The value of one series of {@code /metrics}, or null when it is absent. */
  private Double metric(String series) throws Exception {
    return http.get("/metrics").body().lines()
        .filter(l -> l.startsWith(series + " "))
        .map(l -> Double.valueOf(l.substring(series.length() + 1)))
        .findFirst().orElse(null);
  }

  @Test
  void a_failed_fetch_shows_its_captured_body_and_a_good_one_none() throws Exception {
    JsonObject down = run("down").getJsonArray("fetches").getJsonObject(0);
    JsonObject up = run("up").getJsonArray("fetches").getJsonObject(0);

    assertThat(down.getString("outcome")).isEqualTo("HTTP_ERROR");
    assertThat(down.getString("body")).isEqualTo("{\"error\":\"db down\"}");
    assertThat(up.getString("outcome")).isEqualTo("OK");
    assertThat(up.containsKey("body")).isFalse();
    assertThat(http.get("/api/jobs/down").json().getJsonObject("definition").getJsonArray("requests")
        .getJsonObject(0).getJsonObject("capture"))
        .isEqualTo(new JsonObject().put("body", 4096).put("when", "failure"));
  }

  @Test
  void health_gauges_count_failures_in_a_row_and_stamp_the_last_run_and_success() throws Exception {
    Instant before = Instant.now().minusSeconds(1);
    run("flaky");
    run("flaky");
    run("up");

    await().atMost(Duration.ofSeconds(5)).until(
        () -> Double.valueOf(2.0).equals(metric("cronloop_job_consecutive_failures{job=\"flaky\"}")));
    assertThat(metric("cronloop_job_last_success_timestamp_seconds{job=\"flaky\"}")).isZero();
    assertThat(metric("cronloop_job_last_run_timestamp_seconds{job=\"flaky\"}"))
        .isGreaterThan(before.getEpochSecond());
    await().atMost(Duration.ofSeconds(5)).until(
        () -> metric("cronloop_job_last_success_timestamp_seconds{job=\"up\"}") > before.getEpochSecond());
    assertThat(metric("cronloop_job_consecutive_failures{job=\"up\"}")).isZero();
    assertThat(metric("cronloop_job_last_run_timestamp_seconds{job=\"up\"}"))
        .isEqualTo(metric("cronloop_job_last_success_timestamp_seconds{job=\"up\"}"));
  }

  @Test
  void a_run_under_the_jobs_fail_when_share_is_no_failure() throws Exception {
    Instant before = Instant.now().minusSeconds(1);
    assertThat(run("tolerant").getString("status")).isEqualTo("PARTIAL"); // 1 of 4 requests failed: 25 % < 50 %
    run("tolerant");

    await().atMost(Duration.ofSeconds(5)).until(
        () -> metric("cronloop_job_last_success_timestamp_seconds{job=\"tolerant\"}") > before.getEpochSecond());
    assertThat(metric("cronloop_job_consecutive_failures{job=\"tolerant\"}")).isZero();
  }

  @Test
  void scheduled_fires_time_their_lateness_per_job() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      Double fires = metric("cronloop_job_fire_lateness_seconds_count{job=\"ticking\"}");
      return fires != null && fires >= 2;
    });

    assertThat(metric("cronloop_job_fire_lateness_seconds_sum{job=\"ticking\"}")).isNotNegative();
    assertThat(metric("cronloop_job_last_success_timestamp_seconds{job=\"ticking\"}")).isPositive();
  }

  @Test
  void a_success_resets_the_failures_in_a_row() throws Exception {
    run("down");
    await().atMost(Duration.ofSeconds(5)).until(
        () -> metric("cronloop_job_consecutive_failures{job=\"down\"}") >= 1.0);
    job("down", target.url("text=recovered"));
    await().atMost(Duration.ofSeconds(10)).until(() -> "OK".equals(run("down").getString("status")));

    await().atMost(Duration.ofSeconds(5)).until(
        () -> Double.valueOf(0.0).equals(metric("cronloop_job_consecutive_failures{job=\"down\"}")));
  }

  @Test
  void a_job_has_the_series_known_in_advance_from_its_load_and_the_others_from_their_first_event() throws Exception {
    // Registered on a worker beside the scheduler's start (the latency last): soon after the start.
    await().atMost(Duration.ofSeconds(5)).until(() -> metric("cronloop_fetch_latency_seconds_count{job=\"idle\",outcome=\"OK\"}") != null);
    assertThat(metric("cronloop_job_last_run_timestamp_seconds{job=\"idle\"}")).isZero();
    assertThat(metric("cronloop_job_consecutive_failures{job=\"idle\"}")).isZero();
    assertThat(metric("cronloop_job_fire_lateness_seconds_count{job=\"idle\"}")).isZero();
    assertThat(metric("cronloop_fires_total{job=\"idle\",trigger=\"SCHEDULE\"}")).isZero();
    assertThat(metric("cronloop_runs_total{job=\"idle\",status=\"OK\"}")).isZero();
    assertThat(metric("cronloop_fetch_latency_seconds_count{job=\"idle\",outcome=\"OK\"}")).isZero();
    assertThat(http.get("/metrics").body()).doesNotContain(
        "cronloop_fires_total{job=\"idle\",trigger=\"MANUAL\"}",
        "cronloop_runs_total{job=\"idle\",status=\"FAILED\"}",
        "cronloop_fetch_latency_seconds_count{job=\"idle\",outcome=\"TIMEOUT\"}");

    job("added", target.url("text=later")); // a reload, on the catalog thread

    await().atMost(Duration.ofSeconds(10)).until(
        () -> Double.valueOf(0.0).equals(metric("cronloop_job_last_success_timestamp_seconds{job=\"added\"}")));
  }

  @Test
  void a_job_removed_from_the_folder_leaves_the_metrics() throws Exception {
    run("up");
    run("leaving");
    await().atMost(Duration.ofSeconds(5)).until(
        () -> metric("cronloop_job_last_run_timestamp_seconds{job=\"leaving\"}") != null);

    Files.delete(jobs.resolve("leaving.yaml"));

    await().atMost(Duration.ofSeconds(15)).until(() -> !http.get("/metrics").body().contains("job=\"leaving\""));
    assertThat(metric("cronloop_job_consecutive_failures{job=\"up\"}")).isNotNull();
  }

  @Test
  void metrics_pass_promtool_check_metrics() throws Exception {
    run("lint");
    await().atMost(Duration.ofSeconds(5)).until(
        () -> metric("cronloop_job_consecutive_failures{job=\"lint\"}") != null);
    String metrics = http.get("/metrics").body();

    Promtool.Result lint = Promtool.checkMetrics(metrics);

    assertThat(lint.output()).as("promtool check metrics").isEmpty();
    assertThat(lint.exitCode()).isZero();
    assertThat(metrics).contains("cronloop_job_consecutive_failures{job=\"lint\"} 1.0")
        .doesNotContain(new String(new byte[] {0}, StandardCharsets.UTF_8));
  }
}
