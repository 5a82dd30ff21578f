package dev.cronloop.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cronloop.Engine;
import dev.cronloop.testkit.EngineInvariants;
import dev.cronloop.testkit.EngineWithApi;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LogCapture;
import dev.cronloop.testkit.LoopbackServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The HTTP API of DESIGN.md against a real engine: Quartz, Vert.x, an H2 file and a loopback
 * target. One engine serves every test; each test uses jobs of its own.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiTest {
  static final String TOKEN = "test-token-0123456789abcdef";
  static final String NEVER = EngineWithApi.NEVER;

  // The engine is shared by the class: the logs are checked after each test, the engine and the
  // threads once it is closed, in stop().
  @RegisterExtension final EngineInvariants invariants = new EngineInvariants();
  @TempDir static Path dir;
  private EngineWithApi<LoopbackServer> app;
  private LoopbackServer target;
  private Http http;

  @BeforeAll
  void start() throws Exception {
    app = EngineWithApi.in(dir).token(TOKEN).checkedBy(invariants);
    target = app.target();
    Path jobs = app.jobs();
    JobFiles.write(jobs, "ping.yaml", """
        schedule: "%s"
        overlap: allow
        headers: { Authorization: "Bearer hunter2-do-not-show", X-Trace: "abc" }
        expect: { status: 200, bodyContains: "ok" }
        requests:
          - %s
          - url: %s
            method: POST
            body: '{"password": "hunter2-do-not-show"}'
        """.formatted(NEVER, target.url("/ping/a"), target.url("/ping/b")));
    JobFiles.write(jobs, "failing.yaml", """
        schedule: "0 30 9 ? * MON-FRI"
        overlap: allow
        requests:
          - %s
        """.formatted(target.url("/status/503")));
    JobFiles.write(jobs, "paging.yaml", """
        schedule: "%s"
        overlap: allow
        requests:
          - %s
        """.formatted(NEVER, target.url("/paging")));
    JobFiles.write(jobs, "ticker.yaml", """
        schedule: "* * * * * ?"
        requests:
          - %s
        """.formatted(target.url("/tick")));
    JobFiles.write(jobs, "pausable.yaml", """
        schedule: "*/10 * * * * ?"
        requests:
          - %s
        """.formatted(target.url("/pausable")));
    JobFiles.write(jobs, "mutable.yaml", """
        schedule: "%s"
        requests:
          - %s
        """.formatted(NEVER, target.url("/mutable")));
    JobFiles.write(jobs, "broken.yaml", """
        schedule: "*/70 * * * * ?"
        requests:
          - %s
        """.formatted(target.url("/never")));
    app.start();
    http = new Http(app.url());
  }

  @AfterAll
  void stop() throws Exception {
    app.close();
  }

  @Test
  void health_and_ready_answer_200_while_the_scheduler_runs_and_the_database_answers() throws Exception {
    assertThat(http.get("/health").json().getString("status")).isEqualTo("up");

    Http.Answer ready = http.get("/ready");

    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getMap()).containsEntry("ready", true).containsEntry("scheduler", true).containsEntry("database", true);
  }

  @Test
  void jobs_list_every_loaded_job_with_state_next_fire_and_the_problems_of_bad_files() throws Exception {
    Http.Answer a = http.get("/api/jobs");

    assertThat(a.status()).isEqualTo(200);
    JsonArray jobs = a.json().getJsonArray("jobs");
    List<String> ids = new ArrayList<>();
    jobs.forEach(j -> ids.add(((JsonObject) j).getString("id")));
    assertThat(ids).contains("ping", "failing", "paging", "ticker", "pausable").doesNotContain("broken");
    JsonObject failing = find(jobs, "failing");
    assertThat(failing.getString("state")).isEqualTo("scheduled");
    assertThat(failing.getJsonArray("nextFires")).hasSize(1);
    assertThat(failing.getJsonObject("definition").getString("scheduleText")).isEqualTo("at 09:30 on weekdays");
    JsonArray problems = a.json().getJsonArray("problems");
    assertThat(problems).isNotEmpty();
    assertThat(problems.getJsonObject(0).getString("file")).isEqualTo("broken.yaml");
    assertThat(problems.getJsonObject(0).getString("text")).contains("broken.yaml:");
    JsonObject neverLoaded = file(a.json().getJsonArray("invalidFiles"), "broken.yaml");
    assertThat(neverLoaded.getString("state")).isEqualTo("invalid");
    assertThat(neverLoaded.getJsonArray("jobs")).isEmpty();
    assertThat(neverLoaded.getJsonArray("problems").getJsonObject(0).getString("text")).startsWith("broken.yaml:1:");
  }

  @Test
  void a_job_whose_file_breaks_shows_invalid_with_its_problems_and_one_info_line_says_when_it_is_fixed()
      throws Exception {
    invariants.expectWarn("mutable.yaml");
    Path file = dir.resolve("jobs/mutable.yaml");
    assertThat(invalidFilesGauge()).isEqualTo(1.0); // broken.yaml, which never loaded

    try (LogCapture logs = LogCapture.start()) {
      JobFiles.write(file.getParent(), "mutable.yaml", """
          schedule: "%s"
          requests:
            - %s
          timout: 5s
          """.formatted(NEVER, target.url("/mutable")));
      await().atMost(Duration.ofSeconds(5))
          .until(() -> "invalid".equals(http.get("/api/jobs/mutable").json().getString("state")));
      JsonObject job = http.get("/api/jobs/mutable").json();
      JsonObject list = http.get("/api/jobs").json();
      double whileBroken = invalidFilesGauge();
      JobFiles.write(file.getParent(), "mutable.yaml", """
          schedule: "%s"
          requests:
            - %s
          """.formatted(NEVER, target.url("/mutable/fixed")));
      await().atMost(Duration.ofSeconds(5))
          .until(() -> "scheduled".equals(http.get("/api/jobs/mutable").json().getString("state")));

      JsonObject problem = job.getJsonArray("problems").getJsonObject(0);
      assertThat(problem.getString("file")).isEqualTo("mutable.yaml");
      assertThat(problem.getInteger("line")).isEqualTo(4);
      assertThat(problem.getInteger("column")).isEqualTo(1);
      assertThat(problem.getString("message")).contains("timout", "timeout");
      assertThat(problem.getString("text")).startsWith("mutable.yaml:4:1: ");
      assertThat(job.getJsonArray("nextFires")).as("the last good version stays scheduled")
          .containsExactly("2099-01-01T00:00:00.000Z");
      assertThat(find(list.getJsonArray("jobs"), "mutable").getString("state")).isEqualTo("invalid");
      assertThat(file(list.getJsonArray("invalidFiles"), "mutable.yaml").getJsonArray("jobs")).containsExactly("mutable");
      assertThat(whileBroken).isEqualTo(2.0);
      assertThat(invalidFilesGauge()).isEqualTo(1.0);
      assertThat(http.get("/api/jobs/mutable").json().getJsonArray("problems")).isEmpty();
      assertThat(logs.at(ch.qos.logback.classic.Level.INFO))
          .filteredOn(l -> l.contains("mutable.yaml loads again")).hasSize(1);
    }
  }

  @Test
  void a_job_shows_its_definition_with_every_secret_as_stars() throws Exception {
    Http.Answer a = http.get("/api/jobs/ping");

    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body()).doesNotContain("hunter2");
    JsonObject def = a.json().getJsonObject("definition");
    JsonObject first = def.getJsonArray("requests").getJsonObject(0);
    assertThat(first.getString("url")).isEqualTo(target.url("/ping/a"));
    assertThat(first.getJsonObject("headers").getMap())
        .containsEntry("Authorization", "***")
        .containsEntry("X-Trace", "***");
    assertThat(first.getJsonObject("expect").getString("bodyContains")).isEqualTo("***");
    assertThat(def.getJsonArray("requests").getJsonObject(1).getString("body")).isEqualTo("***");
  }

  @Test
  void a_job_shows_its_next_five_fire_times_in_order() throws Exception {
    JsonArray next = http.get("/api/jobs/pausable").json().getJsonArray("nextFires");

    assertThat(next).hasSize(5);
    for (int i = 1; i < 5; i++) {
      assertThat(java.time.Instant.parse(next.getString(i)))
          .isEqualTo(java.time.Instant.parse(next.getString(i - 1)).plusSeconds(10));
    }
  }

  @Test
  void an_unknown_job_is_404_and_a_file_that_does_not_load_brings_its_problems() throws Exception {
    Http.Answer unknown = http.get("/api/jobs/no-such-job");
    Http.Answer broken = http.get("/api/jobs/broken");

    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getString("error")).isEqualTo("no job \"no-such-job\"");
    assertThat(broken.status()).isEqualTo(404);
    assertThat(broken.json().getString("error")).contains("does not load");
    assertThat(broken.json().getString("state")).isEqualTo("invalid");
    assertThat(broken.json().getJsonArray("problems").getJsonObject(0).getString("message")).contains("70");
  }

  @Test
  void trigger_answers_202_with_the_run_id_and_the_run_can_be_read_with_its_fetches() throws Exception {
    Http.Answer a = http.post("/api/jobs/ping/trigger", TOKEN);

    assertThat(a.status()).isEqualTo(202);
    long run = a.json().getLong("run");
    assertThat(run).isPositive();
    await().atMost(Duration.ofSeconds(10)).until(() -> "OK".equals(http.get("/api/runs/" + run).json().getString("status")));
    JsonObject body = http.get("/api/runs/" + run).json();
    assertThat(body.getString("job")).isEqualTo("ping");
    assertThat(body.getString("trigger")).isEqualTo("MANUAL");
    assertThat(body.getInteger("ok")).isEqualTo(2);
    assertThat(body.getJsonArray("fetches")).hasSize(2);
    assertThat(body.getJsonArray("fetches").getJsonObject(0).getString("outcome")).isEqualTo("OK");
    JsonObject job = http.get("/api/jobs/ping").json();
    assertThat(job.getJsonObject("lastRun").getLong("id")).isEqualTo(run);
  }

  @Test
  void trigger_of_an_unknown_job_is_404() throws Exception {
    Http.Answer a = http.post("/api/jobs/no-such-job/trigger", TOKEN);

    assertThat(a.status()).isEqualTo(404);
    assertThat(a.json().getString("error")).contains("no-such-job");
  }

  @ParameterizedTest
  @CsvSource({"/api/jobs/ping/trigger", "/api/jobs/ping/pause", "/api/jobs/ping/resume"})
  void mutating_calls_without_the_token_or_with_a_wrong_one_are_401(String path) throws Exception {
    Http.Answer none = http.post(path, null);
    Http.Answer wrong = http.post(path, "wrong-token-0123456789abcdef");

    assertThat(none.status()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(none.json().getString("error")).contains("Authorization: Bearer");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.body()).doesNotContain(TOKEN);
    assertThat(http.get("/api/jobs/ping").json().getString("state")).isEqualTo("scheduled");
  }

  @Test
  void pause_and_resume_answer_409_when_the_job_is_already_so() throws Exception {
    assertThat(http.post("/api/jobs/pausable/resume", TOKEN).status()).isEqualTo(409);

    Http.Answer paused = http.post("/api/jobs/pausable/pause", TOKEN);
    Http.Answer again = http.post("/api/jobs/pausable/pause", TOKEN);
    JsonObject job = http.get("/api/jobs/pausable").json();
    Http.Answer resumed = http.post("/api/jobs/pausable/resume", TOKEN);

    assertThat(paused.status()).isEqualTo(200);
    assertThat(paused.json().getString("state")).isEqualTo("paused");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().getString("error")).contains("already paused");
    assertThat(job.getString("state")).isEqualTo("paused");
    assertThat(job.getJsonArray("nextFires")).isEmpty();
    assertThat(resumed.status()).isEqualTo(200);
    assertThat(resumed.json().getString("state")).isEqualTo("scheduled");
    assertThat(http.post("/api/jobs/no-such-job/pause", TOKEN).status()).isEqualTo(404);
  }

  @Test
  void a_paused_job_records_each_fire_it_skips_with_the_pause_as_reason_and_fires_again_once_resumed()
      throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> runsOf("ticker", "OK") >= 1);

    assertThat(http.post("/api/jobs/ticker/pause", TOKEN).status()).isEqualTo(200);
    java.time.Instant settled = java.time.Instant.now().plusSeconds(1); // a run going at the pause ends
    // Events, not a fixed wait: every fire after the pause is recorded SKIPPED; wait for two.
    await().atMost(Duration.ofSeconds(10)).until(() -> runsAfter("SKIPPED", settled).size() >= 2);
    List<JsonObject> whilePausedSkips = runsAfter("SKIPPED", settled);
    java.time.Instant lastSkip = whilePausedSkips.stream()
        .map(r -> java.time.Instant.parse(r.getString("scheduledAt"))).max(java.util.Comparator.naturalOrder()).orElseThrow();
    assertThat(runsAfter("OK", settled)).as("no fire ran while paused")
        .noneMatch(r -> !java.time.Instant.parse(r.getString("scheduledAt")).isAfter(lastSkip));
    assertThat(http.post("/api/jobs/ticker/resume", TOKEN).status()).isEqualTo(200);

    assertThat(whilePausedSkips).hasSizeGreaterThanOrEqualTo(2);
    List<String> instants = new ArrayList<>();
    for (JsonObject r : whilePausedSkips) {
      assertThat(r.getString("trigger")).isEqualTo("SCHEDULE");
      assertThat(r.getString("reason")).startsWith("paused by API at 20").contains(" on ");
      instants.add(r.getString("scheduledAt"));
    }
    assertThat(instants).as("one SKIPPED run per fire").doesNotHaveDuplicates();
    await().atMost(Duration.ofSeconds(5)).until(() -> !runsAfter("OK", lastSkip).isEmpty());
  }

  @Test
  void runs_filter_by_job_and_status_and_page_back_with_before() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(http.post("/api/jobs/paging/trigger", TOKEN).status()).isEqualTo(202);
    }
    assertThat(http.post("/api/jobs/failing/trigger", TOKEN).status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/api/runs?job=paging&status=OK").json().getJsonArray("runs").size() == 5
        && http.get("/api/runs?job=failing&status=failed").json().getJsonArray("runs").size() >= 1);

    JsonObject page1 = http.get("/api/runs?job=paging&limit=2").json();
    long before = page1.getLong("nextBefore");
    JsonObject page2 = http.get("/api/runs?job=paging&limit=2&before=" + before).json();
    JsonObject page3 = http.get("/api/runs?job=paging&limit=2&before=" + page2.getLong("nextBefore")).json();

    List<Long> ids = new ArrayList<>();
    for (JsonObject p : List.of(page1, page2, page3)) {
      p.getJsonArray("runs").forEach(r -> ids.add(((JsonObject) r).getLong("id")));
    }
    assertThat(ids).hasSize(5).doesNotHaveDuplicates().isSortedAccordingTo((x, y) -> Long.compare(y, x));
    assertThat(page3.getLong("nextBefore")).isNull();
    JsonArray failed = http.get("/api/runs?status=FAILED").json().getJsonArray("runs");
    assertThat(failed).allSatisfy(r -> assertThat(((JsonObject) r).getString("status")).isEqualTo("FAILED"));
    assertThat(failed.getJsonObject(0).getString("job")).isEqualTo("failing");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "limit=0|limit must be a whole number >= 1",
      "limit=abc|limit must be a whole number >= 1",
      "limit=5000|limit must be 1-1000",
      "before=-3|before must be a whole number >= 1",
      "status=NOPE|status must be one of",
      "colour=red|unknown parameter \"colour\"",
      "job=a&job=b|given more than once",
  })
  void bad_run_queries_are_400_with_a_message(String query, String message) throws Exception {
    Http.Answer a = http.get("/api/runs?" + query);

    assertThat(a.status()).isEqualTo(400);
    assertThat(a.json().getString("error")).contains(message);
  }

  @Test
  void an_unknown_run_is_404_and_a_run_id_that_is_no_number_is_400() throws Exception {
    assertThat(http.get("/api/runs/999999999").status()).isEqualTo(404);
    assertThat(http.get("/api/runs/abc").status()).isEqualTo(400);
    assertThat(http.get("/api/runs/abc").json().getString("error")).contains("id must be a whole number");
    assertThat(http.get("/api/nothing-here").status()).isEqualTo(404);
  }

  @Test
  void metrics_are_prometheus_text_with_fires_runs_latency_queue_lateness_and_jvm() throws Exception {
    long run = http.post("/api/jobs/ping/trigger", TOKEN).json().getLong("run");
    await().atMost(Duration.ofSeconds(10)).until(() -> "OK".equals(http.get("/api/runs/" + run).json().getString("status")));
    await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/metrics").body().contains("stage=\"first_request\""));

    Http.Answer m = http.get("/metrics");

    assertThat(m.status()).isEqualTo(200);
    assertThat(m.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    assertThat(m.body())
        .contains("cronloop_fires_total{job=\"ping\",trigger=\"MANUAL\"}")
        .contains("cronloop_runs_total{job=\"ping\",status=\"OK\"}")
        .contains("cronloop_fetch_latency_seconds_bucket{job=\"ping\",outcome=\"OK\"")
        .contains("cronloop_requests_in_flight")
        .contains("cronloop_runs_active")
        .contains("cronloop_recorder_queue_depth")
        .contains("cronloop_recorder_batch_seconds_count")
        .contains("cronloop_recorder_rejected_total 0.0")
        .contains("cronloop_recorder_errors_total 0.0")
        .contains("cronloop_fire_lateness_seconds_bucket{stage=\"handoff\"")
        .contains("cronloop_fire_lateness_seconds_bucket{stage=\"loop\"")
        .contains("jvm_memory_used_bytes")
        .contains("vertx_pool_")
        .doesNotContain("vertx_http_client")
        .doesNotContain("hunter2");
  }

  @Test
  void the_status_page_and_its_assets_are_served_and_its_data_holds_24_hours_of_buckets() throws Exception {
    long run = http.post("/api/jobs/failing/trigger", TOKEN).json().getLong("run");
    await().atMost(Duration.ofSeconds(10)).until(() -> "FAILED".equals(http.get("/api/runs/" + run).json().getString("status")));

    Http.Answer page = http.get("/");
    Http.Answer js = http.get("/js/main.js");
    JsonObject status = http.get("/api/status").json();

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("<script type=\"module\" src=\"js/main.js\">").doesNotContain("http://", "https://");
    assertThat(js.status()).isEqualTo(200);
    assertThat(js.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("javascript"));
    JsonObject failing = find(status.getJsonArray("jobs"), "failing");
    assertThat(failing.getJsonObject("stats").getInteger("fetches")).isPositive();
    assertThat(failing.getJsonObject("stats").getJsonArray("buckets")).isNotEmpty();
    assertThat(status.getJsonArray("failures").getJsonObject(0).getString("error")).contains("503");
    assertThat(status.getJsonArray("problems")).isNotEmpty();
    assertThat(status.encode()).doesNotContain("hunter2");
  }

  @Test
  void binding_beyond_loopback_without_a_token_is_refused_naming_both_ways_to_set_one() throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    assertThatThrownBy(() -> Engine.builder(vertx)
            .http(InetSocketAddress.createUnresolved("0.0.0.0", 0))
            .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("--token-file")
        .hasMessageContaining("CRONLOOP_TOKEN");
    Engine withToken = Engine.builder(vertx)
        .http(InetSocketAddress.createUnresolved("0.0.0.0", 0))
        .token(TOKEN)
        .build();
    Engine onLoopback = Engine.builder(vertx)
        .http(InetSocketAddress.createUnresolved("localhost", 0))
        .build();

    assertThat(withToken.config().token()).hasToString("***");
    assertThat(withToken.config().toString()).doesNotContain(TOKEN);
    assertThat(onLoopback.config().token()).isNull();
    withToken.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    onLoopback.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** The runs of the ticker job with {@code status} scheduled after {@code after}. */
  private List<JsonObject> runsAfter(String status, java.time.Instant after) throws Exception {
    List<JsonObject> runs = new ArrayList<>();
    http.get("/api/runs?limit=1000&job=ticker&status=" + status).json().getJsonArray("runs").forEach(o -> {
      JsonObject r = (JsonObject) o;
      if (r.getString("scheduledAt") != null && java.time.Instant.parse(r.getString("scheduledAt")).isAfter(after)) {
        runs.add(r);
      }
    });
    return runs;
  }

  private int runsOf(String job, String status) throws Exception {
    return http.get("/api/runs?limit=1000&job=" + job + "&status=" + status).json().getJsonArray("runs").size();
  }

  /** The value of {@code cronloop_job_files_invalid} in {@code /metrics}. */
  private double invalidFilesGauge() throws Exception {
    return http.get("/metrics").body().lines()
        .filter(l -> l.startsWith("cronloop_job_files_invalid "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no cronloop_job_files_invalid in /metrics"));
  }

  private static JsonObject file(JsonArray files, String name) {
    if (files != null) {
      for (Object o : files) {
        if (((JsonObject) o).getString("file").equals(name)) {
          return (JsonObject) o;
        }
      }
    }
    throw new AssertionError("no file " + name + " in " + files);
  }

  private static JsonObject find(JsonArray jobs, String id) {
    for (Object o : jobs) {
      if (((JsonObject) o).getString("id").equals(id)) {
        return (JsonObject) o;
      }
    }
    throw new AssertionError("no job " + id + " in " + jobs.encodePrettily());
  }
}
