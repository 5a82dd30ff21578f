package dev.cronloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.model.RunResult;
import dev.cronloop.record.Database;
import dev.cronloop.testkit.EngineInvariants;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.Receiver;
import dev.cronloop.testkit.Receiver.Received;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notices end to end in one JVM: job and channels files, runs against a loopback target whose
 * health the test flips, the health rows in H2, and a real webhook receiver on loopback.
 */
@Timeout(120)
class NotifyTest {
  @RegisterExtension final EngineInvariants invariants = new EngineInvariants();
  @TempDir Path dir;
  private Receiver receiver;
  private Engine engine;

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = Receiver.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (engine != null) {
      engine.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    receiver.close();
  }

  private void channels(String extra) throws Exception {
    JobFiles.write(jobs(), "channels.yaml", """
        channels:
          ops: { webhook: "%s", headers: { X-Team: "ops" } }
          chat: { slack: "%s" }
        %s""".formatted(receiver.url("/hook"), receiver.url("/slack"), extra));
  }

  @Test
  void failure_after_exactly_after_runs_no_repeat_and_recovery_once() throws Exception {
    channels("");
    JobFiles.write(jobs(), "routers.yaml", """
        schedule: "0 0 0 1 1 ? 2099"
        notify: { channels: [ops, chat], after: 2 }
        requests:
          - %s
          - %s
        """.formatted(receiver.url("/t/a"), receiver.url("/t/b")));
    receiver.answer("/t/a", 503);
    start();

    RunResult first = fire("routers");
    awaitFailures("routers", 1);
    assertThat(receiver.at("/hook")).isEmpty();

    RunResult second = fire("routers");
    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.at("/hook").size() == 1);
    Received hook = receiver.at("/hook").get(0);
    JsonObject notice = hook.json();
    assertThat(hook.headers().get("Content-Type")).isEqualTo("application/json");
    assertThat(hook.headers().get("X-Team")).isEqualTo("ops");
    assertThat(hook.headers().get("Idempotency-Key")).isEqualTo(notice.getString("notice")).isNotBlank();
    assertThat(notice.getString("event")).isEqualTo("failure");
    assertThat(notice.getString("job")).isEqualTo("routers");
    assertThat(notice.getLong("run")).isEqualTo(second.runId());
    assertThat(notice.getInteger("requests")).isEqualTo(2);
    assertThat(notice.getInteger("failed")).isEqualTo(1);
    assertThat(notice.getString("since")).isEqualTo(first.committedAt().truncatedTo(ChronoUnit.MILLIS).toString());
    assertThat(notice.getJsonArray("reasons")).hasSize(1);
    assertThat(notice.getJsonArray("reasons").getJsonObject(0).getInteger("count")).isEqualTo(1);
    JsonObject sample = notice.getJsonArray("sample").getJsonObject(0);
    assertThat(sample.getString("url")).isEqualTo(receiver.url("/t/a"));
    assertThat(sample.getString("outcome")).isEqualTo("HTTP_ERROR");
    assertThat(sample.getInteger("status")).isEqualTo(503);
    assertThat(notice.getString("link")).isEqualTo("https://cron.example.org/api/runs/" + second.runId());
    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.at("/slack").size() == 1);
    assertThat(receiver.at("/slack").get(0).json().getString("text")).contains("job routers is failing: 1 of 2");

    fire("routers");
    awaitFailures("routers", 3);
    receiver.answer("/t/a", 200);
    fire("routers");
    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.at("/hook").size() == 2);
    fire("routers");
    awaitFailures("routers", 0);

    assertThat(receiver.at("/hook")).extracting(r -> r.json().getString("event"))
        .containsExactly("failure", "recovery");
    assertThat(receiver.at("/hook").get(1).json().getString("since")).isEqualTo(first.committedAt().truncatedTo(ChronoUnit.MILLIS).toString());
    await().atMost(Duration.ofSeconds(5)).until(() -> count("SELECT COUNT(*) FROM notifications WHERE status = 'OK'") == 4);
    JsonObject health = api("/api/jobs/routers").getJsonObject("health");
    assertThat(health.getString("state")).isEqualTo("ok");
    assertThat(health.getJsonObject("lastNotice").getString("event")).isEqualTo("recovery");
    assertThat(health.getJsonObject("lastNotice").getString("status")).isEqualTo("DELIVERED");
  }

  @Test
  void fail_when_a_share_failed_only_and_a_repeat_waits_for_its_period() throws Exception {
    channels("");
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      urls.add("  - " + receiver.url("/t/" + i));
    }
    JobFiles.write(jobs(), "fleet.yaml", """
        schedule: "0 0 0 1 1 ? 2099"
        notify: { channels: [ops], repeat: 1h }
        failWhen: { failed: 30%% }
        requests:
        %s
        """.formatted(String.join("\n", urls)));
    receiver.answer("/t/0", 500).answer("/t/1", 500);
    start();

    fire("fleet"); // 2 of 10: under 30 %
    awaitRunsCounted("fleet", 1);
    assertThat(count("SELECT consecutive_failures FROM job_health WHERE job_id = 'fleet'")).isZero();
    receiver.answer("/t/2", 500);
    fire("fleet"); // 3 of 10: the failure notice
    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.at("/hook").size() == 1);
    fire("fleet"); // still failing, but within the hour: no repeat
    awaitFailures("fleet", 2);

    assertThat(receiver.at("/hook")).hasSize(1);
    JsonArray reasons = receiver.at("/hook").get(0).json().getJsonArray("reasons");
    assertThat(reasons.getJsonObject(0).getInteger("count")).isEqualTo(3);
    assertThat(receiver.at("/hook").get(0).json().getJsonArray("sample")).hasSize(3);
  }

  @Test
  void a_ping_channel_hears_a_get_after_each_successful_run_only() throws Exception {
    channels("  deadman: { ping: \"" + receiver.url("/ping/abc") + "\" }\n");
    JobFiles.write(jobs(), "beat.yaml", """
        schedule: "0 0 0 1 1 ? 2099"
        notify: { channels: [deadman] }
        requests:
          - %s
        """.formatted(receiver.url("/t/beat")));
    start();

    fire("beat");
    fire("beat");
    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.at("/ping").size() == 2);
    receiver.answer("/t/beat", 500);
    fire("beat");
    awaitFailures("beat", 1);

    assertThat(receiver.at("/ping")).extracting(Received::method).containsExactly("GET", "GET");
    assertThat(receiver.at("/ping").get(0).body()).isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(
        () -> count("SELECT COUNT(*) FROM notifications WHERE event = 'ping' AND status = 'OK'") == 2);
    assertThat(count("SELECT COUNT(*) FROM notices")).isZero();
  }

  @Test
  void a_channel_answering_500_is_retried_with_every_attempt_recorded() throws Exception {
    channels("");
    JobFiles.write(jobs(), "api.yaml", """
        schedule: "0 0 0 1 1 ? 2099"
        notify: { channels: [ops] }
        requests:
          - %s
        """.formatted(receiver.url("/t/down")));
    receiver.answer("/t/down", 500).answer("/hook", 500);
    start();

    fire("api");
    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.at("/hook").size() >= 3);
    receiver.answer("/hook", 200);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> count("SELECT COUNT(*) FROM notices WHERE status = 'DELIVERED'") == 1);

    List<Received> hooks = receiver.at("/hook");
    assertThat(hooks.stream().map(h -> h.headers().get("Idempotency-Key")).distinct()).hasSize(1);
    long attempts = count("SELECT COUNT(*) FROM notifications");
    assertThat(attempts).isEqualTo(hooks.size());
    assertThat(count("SELECT COUNT(*) FROM notifications WHERE status = 'FAILED' AND error = 'HTTP 500'"))
        .isEqualTo(attempts - 1);
    assertThat(count("SELECT MAX(attempt) FROM notifications")).isEqualTo(attempts);
    assertThat(metrics()).contains("cronloop_notifications_total{channel=\"ops\",event=\"failure\",result=\"failed\"}");
  }

  @Test
  void a_channel_that_hangs_never_delays_fires_or_rows() throws Exception {
    channels("");
    JobFiles.write(jobs(), "tick.yaml", """
        schedule: "* * * * * ?"
        notify: { channels: [ops], repeat: 1s }
        requests:
          - %s
        """.formatted(receiver.url("/t/down")));
    receiver.answer("/t/down", 500).answer("/hook", 0);
    start();

    await().atMost(Duration.ofSeconds(20)).until(() -> count("SELECT COUNT(*) FROM runs WHERE status = 'FAILED'") >= 6);

    assertThat(receiver.at("/hook").size()).isGreaterThanOrEqualTo(3); // failure and repeats, all hanging
    long lateMs = count("SELECT MAX(DATEDIFF('MILLISECOND', scheduled_at, started_at)) FROM runs"
        + " WHERE scheduled_at IS NOT NULL");
    assertThat(lateMs).isLessThan(500);
    assertThat(count("SELECT COUNT(*) FROM notices WHERE status = 'PENDING'")).isGreaterThanOrEqualTo(3);
    await().atMost(Duration.ofSeconds(10)) // each hanging attempt ends at the 2 s timeout, recorded
        .until(() -> count("SELECT COUNT(*) FROM notifications WHERE status = 'FAILED'") >= 2);
  }

  // ---- helpers

  private void awaitFailures(String job, int n) {
    await().atMost(Duration.ofSeconds(10)).until(
        () -> count("SELECT consecutive_failures FROM job_health WHERE job_id = '" + job + "'") == n);
  }

  private void awaitRunsCounted(String job, int runs) {
    await().atMost(Duration.ofSeconds(10)).until(() -> count(
        "SELECT COUNT(*) FROM job_health h JOIN runs r ON r.id = h.last_run_id WHERE h.job_id = '" + job + "'") == 1
        && count("SELECT COUNT(*) FROM runs WHERE job_id = '" + job + "'") == runs);
  }

  private RunResult fire(String job) throws Exception {
    return engine.fire(job).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private void start() throws Exception {
    engine = invariants.watch(Engine.builder()
        .jobs(jobs())
        .database(dbUrl())
        .http(new InetSocketAddress("127.0.0.1", 0))
        .publicUrl(URI.create("https://cron.example.org"))
        .notifyRetries(Duration.ofMillis(100), Duration.ofMinutes(5))
        .notifyTimeout(Duration.ofSeconds(2))
        .build());
    engine.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private JsonObject api(String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.httpPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new JsonObject(r.body());
  }

  private String metrics() throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.httpPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private long count(String sql) {
    try (Database db = Database.open(dbUrl(), 1);
        Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : -1;
    } catch (Exception e) {
      return -2;
    }
  }

  private Path jobs() {
    return dir.resolve("jobs");
  }

  private String dbUrl() {
    return "jdbc:h2:file:" + dir.resolve("db/cronloop");
  }
}
