package dev.cronloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.record.Database;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cronloop runs} on a real H2 file: reasons, filters and the API's JSON keys. */
class RunsCommandTest {
  /** "Now" for {@code --since}: half an hour after the newest run below. */
  static final Clock NOW = Clock.fixed(Instant.parse("2026-12-06T10:30:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;
  private String url;

  @BeforeEach
  void rows() throws Exception {
    url = "jdbc:h2:file:" + dir.resolve("db/cronloop");
    try (Database db = Database.open(url, 2);
        Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO runs (id, job_id, node, trigger, scheduled_at, fired_at, finished_at,"
          + " status, requests_total, reason) VALUES (7, 'tick', 'n1', 'SCHEDULE',"
          + " TIMESTAMP WITH TIME ZONE '2026-12-06 10:00:00+00', TIMESTAMP WITH TIME ZONE '2026-12-06 10:00:00+00',"
          + " TIMESTAMP WITH TIME ZONE '2026-12-06 10:00:00+00', 'SKIPPED', 1,"
          + " 'paused by API at 2026-12-06T09:58:12Z on n1')");
      s.executeUpdate("INSERT INTO runs (id, job_id, node, trigger, fired_at, started_at, finished_at,"
          + " status, requests_total, requests_ok, requests_failed) VALUES (5, 'shop', 'n1', 'MANUAL',"
          + " TIMESTAMP WITH TIME ZONE '2026-12-06 08:00:00.5+00', TIMESTAMP WITH TIME ZONE '2026-12-06 08:00:00.5+00',"
          + " TIMESTAMP WITH TIME ZONE '2026-12-06 08:00:01.25+00', 'PARTIAL', 4, 1, 3)");
      s.executeUpdate("INSERT INTO runs (id, job_id, node, trigger, fired_at, started_at, finished_at,"
          + " status, requests_total, requests_ok, requests_failed) VALUES (6, 'shop', 'n1', 'SCHEDULE',"
          + " TIMESTAMP WITH TIME ZONE '2026-12-06 09:00:00+00', TIMESTAMP WITH TIME ZONE '2026-12-06 09:00:00+00',"
          + " TIMESTAMP WITH TIME ZONE '2026-12-06 09:00:00.1+00', 'OK', 1, 1, 0)");
      String fetch = "INSERT INTO fetches (run_id, job_id, url, method, attempts, status_code, outcome, error,"
          + " latency_ms, bytes, started_at, finished_at) VALUES (5, 'shop', '%s', 'GET', %d, %d, '%s', %s, 12, 2,"
          + " TIMESTAMP WITH TIME ZONE '2026-12-06 08:00:00.5+00', TIMESTAMP WITH TIME ZONE '2026-12-06 08:00:01+00')";
      s.executeUpdate(fetch.formatted("http://127.0.0.1:1/ok", 1, 200, "OK", "NULL"));
      s.executeUpdate(fetch.formatted("http://127.0.0.1:1/a", 3, 503, "HTTP_ERROR", "'status 503 not in 200-299'"));
      s.executeUpdate(fetch.formatted("http://127.0.0.1:1/b", 3, 503, "HTTP_ERROR", "'status 503 not in 200-299'"));
      s.executeUpdate(fetch.formatted("http://127.0.0.1:9/c", 1, 0, "CONNECT_ERROR", "'connection refused'"));
    }
  }

  @Test
  void a_run_skipped_for_a_pause_shows_its_reason_in_the_table_and_in_json() {
    String table = run("runs", "--db", url);
    String json = run("runs", "--db", url, "--json");

    assertThat(table.lines().findFirst().orElseThrow()).endsWith("REASON");
    assertThat(table).contains("SKIPPED", "paused by API at 2026-12-06T09:58:12Z on n1");
    assertThat(json).contains("\"reason\":\"paused by API at 2026-12-06T09:58:12Z on n1\"");
  }

  @Test
  void a_run_whose_requests_failed_names_why_in_the_table_most_frequent_first() {
    String table = run("runs", "--db", url);

    String shop = table.lines().filter(l -> l.startsWith("5 ")).findFirst().orElseThrow();
    assertThat(shop).contains("PARTIAL")
        .endsWith("status 503 not in 200-299 (2), connection refused (1)");
  }

  @Test
  void json_uses_the_apis_keys_and_one_time_format() {
    JsonArray runs = new JsonArray(run("runs", "--db", url, "--json"));

    JsonObject shop = runs.getJsonObject(2);
    assertThat(shop.fieldNames()).containsExactlyInAnyOrder("id", "job", "node", "trigger", "status",
        "scheduledAt", "firedAt", "startedAt", "finishedAt", "durationMs", "requests", "ok", "failed", "reason");
    assertThat(shop.getMap()).containsEntry("job", "shop").containsEntry("requests", 4)
        .containsEntry("firedAt", "2026-12-06T08:00:00.500Z").containsEntry("durationMs", 750);
    assertThat(runs.getJsonObject(0).getString("firedAt")).isEqualTo("2026-12-06T10:00:00.000Z");
  }

  @Test
  void since_a_duration_counts_back_from_now_and_an_instant_is_taken_as_it_is() {
    JsonArray lastHour = new JsonArray(run(NOW, "--db", url, "--json", "--since", "1h"));
    JsonArray sinceNine = new JsonArray(run(NOW, "--db", url, "--json", "--since", "2026-12-06T09:00:00Z"));

    assertThat(lastHour.stream().map(r -> ((JsonObject) r).getLong("id"))).containsExactly(7L);
    assertThat(sinceNine.stream().map(r -> ((JsonObject) r).getLong("id"))).containsExactly(7L, 6L);
  }

  @Test
  void failed_keeps_failed_and_partial_runs_and_job_and_status_filter_as_the_api_does() {
    JsonArray failed = new JsonArray(run("runs", "--db", url, "--json", "--failed"));
    JsonArray shopOk = new JsonArray(run("runs", "--db", url, "--json", "--job", "shop", "--status", "ok"));
    JsonArray limited = new JsonArray(run("runs", "--db", url, "--json", "--job", "shop", "--limit", "1"));

    assertThat(failed.stream().map(r -> ((JsonObject) r).getLong("id"))).containsExactly(5L);
    assertThat(shopOk.stream().map(r -> ((JsonObject) r).getLong("id"))).containsExactly(6L);
    assertThat(limited.stream().map(r -> ((JsonObject) r).getLong("id"))).containsExactly(6L);
  }

  @Test
  void run_shows_the_run_and_every_fetch_with_its_reason_and_failed_keeps_the_failing_ones() {
    String detail = run("runs", "--db", url, "--run", "5");
    JsonObject failing = new JsonObject(run("runs", "--db", url, "--run", "5", "--failed", "--json"));

    assertThat(detail.lines().findFirst().orElseThrow())
        .isEqualTo("run 5 of job shop: PARTIAL (1 of 4 requests ok, 3 failed)");
    assertThat(detail).contains("fired 2026-12-06T08:00:00.500Z", "duration 750ms");
    assertThat(detail.lines().filter(l -> l.startsWith("HTTP_ERROR")))
        .hasSize(2).allMatch(l -> l.endsWith("status 503 not in 200-299") && l.contains(" 503 "));
    assertThat(detail.lines().filter(l -> l.startsWith("CONNECT_ERROR")))
        .singleElement().asString().contains(" - ").endsWith("connection refused");
    assertThat(failing.getJsonArray("fetches")).hasSize(3);
    assertThat(failing.getInteger("requests")).isEqualTo(4);
  }

  @Test
  void bad_filters_are_usage_errors_that_name_the_fix() {
    assertThat(fails("--since", "5x")).contains("--since must be a duration like").contains("2026-12-06T09:00:00Z");
    assertThat(fails("--since", "2026-13-01T00:00:00Z")).contains("is not an instant");
    assertThat(fails("--status", "broken")).contains("--status must be one of [RUNNING, OK");
    assertThat(fails("--failed", "--status", "ok")).contains("use one of them");
    assertThat(fails("--run", "5", "--job", "shop")).contains("--run shows one run");
    assertThat(fails("--run", "99")).contains("no run 99 in").contains("the newest is 7");
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out));
    assertThat(cmd.execute(args)).isZero();
    return out.toString();
  }

  /** {@code runs} with {@code now} as the clock. */
  private static String run(Clock now, String... args) {
    StringWriter out = new StringWriter();
    CommandLine cmd = new CommandLine(new RunsCommand(now));
    cmd.setOut(new PrintWriter(out));
    assertThat(cmd.execute(args)).isZero();
    return out.toString();
  }

  private String fails(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(new StringWriter()));
    cmd.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 3];
    all[0] = "runs";
    all[1] = "--db";
    all[2] = url;
    System.arraycopy(args, 0, all, 3, args.length);
    assertThat(cmd.execute(all)).isEqualTo(2);
    return err.toString();
  }
}
