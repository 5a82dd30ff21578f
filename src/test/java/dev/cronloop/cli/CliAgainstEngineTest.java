package dev.cronloop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.testkit.EngineInvariants;
import dev.cronloop.testkit.EngineWithApi;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LoopbackServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 17, item 8: the CLI against a real engine (Quartz, Vert.x, its HTTP API on 127.0.0.1:0, an
 * H2 file, a loopback target). {@code runs --run} and {@code jobs} read the same database the
 * engine writes and print the API's own JSON; {@code trigger}, {@code pause} and {@code resume}
 * drive the engine through its token-guarded API.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliAgainstEngineTest {
  static final String TOKEN = "cli-token-0123456789abcdef";
  static final String NEVER = EngineWithApi.NEVER;

  @RegisterExtension final EngineInvariants invariants = new EngineInvariants();
  @TempDir static Path dir;
  private EngineWithApi<LoopbackServer> app;
  private String api;
  private String db;
  private Path jobs;
  private Path tokenFile;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    app = EngineWithApi.in(dir).token(TOKEN).checkedBy(invariants);
    LoopbackServer target = app.target();
    jobs = app.jobs();
    JobFiles.write(jobs, "mixed.yaml", """
        schedule: "%s"
        overlap: allow
        retries: { max: 0, backoff: 10ms }
        requests:
          - %s
          - %s
        """.formatted(NEVER, target.url("/fine"), target.url("/status/503/down")));
    JobFiles.write(jobs, "quiet.yaml", """
        schedule: "%s"
        requests:
          - %s
        """.formatted(NEVER, target.url("/quiet")));
    JobFiles.write(jobs, "ticker.yaml", """
        schedule: "* * * * * ?"
        requests:
          - %s
        """.formatted(target.url("/tick")));
    JobFiles.write(jobs, "broken.yaml", """
        schedule: "*/70 * * * * ?"
        requests:
          - %s
        """.formatted(target.url("/never")));
    JobFiles.write(jobs, "channels.yaml", """
        channels:
          hook: { webhook: "%s" }
        """.formatted(target.url("/status/200/hook")));
    JobFiles.write(jobs, "watched.yaml", """
        schedule: "%s"
        notify: { channels: [hook] }
        requests:
          - %s
        """.formatted(NEVER, target.url("/status/503/watched")));
    tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    db = app.database();
    app.start();
    api = app.url();
  }

  @AfterAll
  void stop() throws Exception {
    app.close();
  }

  @Test
  void runs_run_prints_the_run_and_each_fetch_with_its_reason_and_its_json_is_the_apis() throws Exception {
    long run = triggerAndWait("mixed");

    Result table = cli("runs", "--run", String.valueOf(run), "--db", db);
    Result json = cli("runs", "--run", String.valueOf(run), "--db", db, "--json");
    Result failedOnly = cli("runs", "--run", String.valueOf(run), "--db", db, "--failed", "--json");

    assertThat(table.code()).isZero();
    assertThat(table.out()).contains("run " + run + " of job mixed: PARTIAL (1 of 2 requests ok, 1 failed)")
        .contains("trigger MANUAL");
    String failing = table.out().lines().filter(l -> l.contains("/status/503/down")).findFirst().orElseThrow();
    assertThat(failing).startsWith("HTTP_ERROR").contains(" 503 ").contains("503");
    assertThat(failing.substring(failing.indexOf("/status/503/down") + "/status/503/down".length()).strip())
        .as("the reason follows the URL").isNotEmpty();
    JsonObject printed = new JsonObject(json.out());
    JsonObject answered = get("/api/runs/" + run);
    assertThat(printed).isEqualTo(answered);
    assertThat(printed.fieldNames()).contains("id", "job", "status", "trigger", "firedAt", "durationMs",
        "requests", "ok", "failed", "reason", "fetches").doesNotContain("jobId", "requestsTotal");
    JsonObject fetch = printed.getJsonArray("fetches").getJsonObject(1);
    assertThat(fetch.fieldNames()).contains("run", "job", "url", "outcome", "statusCode", "error",
        "latencyMs", "attempts", "startedAt");
    assertThat(fetch.getString("startedAt")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    JsonArray onlyFailed = new JsonObject(failedOnly.out()).getJsonArray("fetches");
    assertThat(onlyFailed).hasSize(1);
    assertThat(onlyFailed.getJsonObject(0).getString("outcome")).isEqualTo("HTTP_ERROR");
  }

  @Test
  void runs_failed_since_and_job_select_the_runs_they_name() throws Exception {
    long run = triggerAndWait("mixed");
    long fine = triggerAndWait("quiet");

    JsonArray failed = runs("--failed", "--since", "1h");
    JsonArray ofQuiet = runs("--job", "quiet", "--since", "10m");
    JsonArray future = runs("--since", Instant.now().plusSeconds(3600).toString());
    JsonArray ok = runs("--status", "ok", "--job", "quiet");

    assertThat(ids(failed)).contains(run).doesNotContain(fine);
    assertThat(failed.stream().map(r -> ((JsonObject) r).getString("status")).distinct())
        .allMatch(s -> s.equals("FAILED") || s.equals("PARTIAL"));
    assertThat(ids(ofQuiet)).contains(fine).doesNotContain(run);
    assertThat(future).isEmpty();
    assertThat(ids(ok)).contains(fine);
  }

  @Test
  void jobs_reads_the_same_from_the_folder_and_database_as_from_the_running_engine() throws Exception {
    long run = triggerAndWait("quiet");

    Result local = cli("jobs", "--jobs", jobs.toString(), "--db", db, "--json");
    Result remote = cli("jobs", "--api", api, "--json");
    Result table = cli("jobs", "--jobs", jobs.toString(), "--db", db);

    assertThat(local.code()).isZero();
    assertThat(remote.code()).isZero();
    JsonObject here = job(new JsonObject(local.out()), "quiet");
    JsonObject there = job(new JsonObject(remote.out()), "quiet");
    assertThat(here.fieldNames()).contains("id", "state", "paused", "nextFires", "lastRun", "problems", "definition");
    for (String key : here.fieldNames()) {
      assertThat(there.getValue(key)).as(key).isEqualTo(here.getValue(key));
    }
    assertThat(here.getString("state")).isEqualTo("scheduled");
    assertThat(here.getJsonArray("nextFires")).containsExactly("2099-01-01T00:00:00.000Z");
    assertThat(here.getJsonObject("lastRun").getLong("id")).isEqualTo(run);
    assertThat(new JsonObject(local.out()).getJsonArray("problems").getJsonObject(0).getString("text"))
        .startsWith("broken.yaml:1:");
    String quiet = table.out().lines().filter(l -> l.startsWith("quiet ")).findFirst().orElseThrow();
    assertThat(quiet).contains("scheduled", "2099-01-01T00:00:00.000Z", "OK 1/1", "(run " + run + ")");
    assertThat(table.out()).contains("broken.yaml:1:");
  }

  @Test
  void jobs_shows_a_notifying_jobs_health_from_the_database_and_from_the_engine() throws Exception {
    triggerAndWait("watched");
    await().atMost(Duration.ofSeconds(10)).until(() -> "failing".equals(
        get("/api/jobs/watched").getJsonObject("health").getString("state")));

    JsonObject here = job(new JsonObject(cli("jobs", "--jobs", jobs.toString(), "--db", db, "--json").out()), "watched");
    JsonObject there = job(new JsonObject(cli("jobs", "--api", api, "--json").out()), "watched");
    Result table = cli("jobs", "--jobs", jobs.toString(), "--db", db);

    assertThat(here.getJsonObject("health").getString("state")).isEqualTo("failing");
    assertThat(here.getJsonObject("health").getInteger("consecutiveFailures")).isEqualTo(1);
    assertThat(there.getJsonObject("health")).isEqualTo(here.getJsonObject("health"));
    assertThat(job(new JsonObject(cli("jobs", "--api", api, "--json").out()), "quiet").containsKey("health"))
        .as("a job without notify: has no health").isFalse();
    String watched = table.out().lines().filter(l -> l.startsWith("watched ")).findFirst().orElseThrow();
    assertThat(watched).contains("failing since " + here.getJsonObject("health").getString("since"));
  }

  @Test
  void pause_and_resume_drive_the_engine_and_a_paused_fire_is_recorded_skipped() throws Exception {
    Result paused = cli("pause", "ticker", "--api", api, "--token-file", tokenFile.toString());
    Result again = cli("pause", "ticker", "--api", api, "--token-file", tokenFile.toString());
    Instant settled = Instant.now().plusSeconds(1);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        runs("--job", "ticker", "--status", "skipped", "--since", settled.toString()).size() >= 1);
    String localState = job(new JsonObject(cli("jobs", "--jobs", jobs.toString(), "--db", db, "--json").out()), "ticker")
        .getString("state");
    String remoteState = job(new JsonObject(cli("jobs", "--api", api, "--json").out()), "ticker").getString("state");
    Result resumed = cli("resume", "ticker", "--api", api, "--token-file", tokenFile.toString(), "--json");

    assertThat(paused.code()).isZero();
    assertThat(paused.out().strip()).isEqualTo("job ticker paused (paused)");
    assertThat(again.code()).isZero();
    assertThat(again.out()).contains("was already paused");
    assertThat(localState).isEqualTo("paused");
    assertThat(remoteState).isEqualTo("paused");
    assertThat(resumed.code()).isZero();
    assertThat(new JsonObject(resumed.out()).getMap()).containsEntry("job", "ticker").containsEntry("state", "scheduled");
  }

  @Test
  void trigger_starts_a_manual_run_and_prints_its_id() throws Exception {
    Result r = cli("trigger", "quiet", "--api", api, "--token-file", tokenFile.toString(), "--json");

    assertThat(r.code()).isZero();
    long run = new JsonObject(r.out()).getLong("run");
    await().atMost(Duration.ofSeconds(10)).until(() -> !"RUNNING".equals(get("/api/runs/" + run).getString("status")));
    assertThat(get("/api/runs/" + run).getString("trigger")).isEqualTo("MANUAL");
  }

  @Test
  void trigger_wait_prints_the_ended_run_with_its_failed_fetches_and_exits_as_fire_does() {
    Result partial = cli("trigger", "mixed", "--wait", "--api", api, "--token-file", tokenFile.toString());
    Result passed = cli("trigger", "quiet", "--wait=30s", "--json", "--api", api, "--token-file", tokenFile.toString());

    assertThat(partial.code()).as(partial.err()).isEqualTo(1);
    assertThat(partial.out()).contains("of job mixed: PARTIAL (1 of 2 requests ok, 1 failed)", "/status/503/down")
        .doesNotContain("/fine");
    assertThat(passed.code()).as(passed.err()).isZero();
    JsonObject run = new JsonObject(passed.out());
    assertThat(run.getMap()).containsEntry("job", "quiet").containsEntry("status", "OK").containsEntry("trigger", "MANUAL");
    assertThat(run.getJsonArray("fetches")).hasSize(1);
  }

  @Test
  void a_missing_token_exits_2_naming_the_flag_and_a_wrong_one_exits_1() throws Exception {
    Path wrong = Files.writeString(dir.resolve("wrong-token"), "not-the-token-0123456789\n");

    Result missing = cli("trigger", "quiet", "--api", api);
    Result refused = cli("pause", "quiet", "--api", api, "--token-file", wrong.toString());

    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err().lines()).singleElement().asString()
        .startsWith("cronloop trigger: the engine at " + api + " needs a token")
        .contains("--token-file FILE").contains("CRONLOOP_TOKEN");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).contains("refused the token from --token-file " + wrong)
        .doesNotContain("not-the-token");
    assertThat(get("/api/jobs/quiet").getString("state")).isEqualTo("scheduled");
  }

  @Test
  void an_unknown_job_exits_2_with_the_nearest_names() {
    Result r = cli("trigger", "quite", "--api", api, "--token-file", tokenFile.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo(
        "cronloop trigger: no job \"quite\" on the engine at " + api + "; did you mean quiet?");
  }

  @Test
  void an_engine_that_does_not_listen_is_one_line_naming_the_address_and_exit_1() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }

    Result r = cli("resume", "quiet", "--api", "127.0.0.1:" + port, "--token-file", tokenFile.toString());
    Result jobsList = cli("jobs", "--api", "http://127.0.0.1:" + port + "/");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().strip()).isEqualTo("cronloop resume: engine not reachable at http://127.0.0.1:" + port
        + " (connection refused); start it with cronloop run, or pass --api with the address it serves");
    assertThat(jobsList.code()).isEqualTo(1);
    assertThat(jobsList.err()).contains("engine not reachable at http://127.0.0.1:" + port + " ");
  }

  @Test
  void runs_run_of_an_unknown_id_exits_2_naming_the_newest() throws Exception {
    long run = triggerAndWait("quiet");

    Result r = cli("runs", "--run", "999999", "--db", db);

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("no run 999999 in").contains("the newest is ");
    assertThat(run).isPositive();
  }

  // --- helpers

  record Result(int code, String out, String err) {}

  private static Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    int code = cmd.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private JsonArray runs(String... filter) {
    String[] args = new String[filter.length + 4];
    args[0] = "runs";
    args[1] = "--db";
    args[2] = db;
    args[3] = "--json";
    System.arraycopy(filter, 0, args, 4, filter.length);
    Result r = cli(args);
    assertThat(r.code()).as(r.err()).isZero();
    return new JsonArray(r.out());
  }

  /** Triggers a job through the CLI and waits until its run is no longer RUNNING. */
  private long triggerAndWait(String job) throws Exception {
    Result r = cli("trigger", job, "--api", api, "--token-file", tokenFile.toString(), "--json");
    assertThat(r.code()).as(r.err()).isZero();
    long run = new JsonObject(r.out()).getLong("run");
    await().atMost(Duration.ofSeconds(10)).until(() -> !"RUNNING".equals(get("/api/runs/" + run).getString("status")));
    return run;
  }

  private JsonObject get(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new JsonObject(r.body());
  }

  private static JsonObject job(JsonObject answer, String id) {
    return answer.getJsonArray("jobs").stream().map(j -> (JsonObject) j)
        .filter(j -> j.getString("id").equals(id)).findFirst().orElseThrow();
  }

  private static Set<Long> ids(JsonArray runs) {
    return runs.stream().map(r -> ((JsonObject) r).getLong("id")).collect(java.util.stream.Collectors.toSet());
  }
}
