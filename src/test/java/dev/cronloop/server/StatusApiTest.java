package dev.cronloop.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.Engine;
import dev.cronloop.testkit.EngineInvariants;
import dev.cronloop.testkit.EngineWithApi;
import dev.cronloop.testkit.LoopbackServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the status page reads: {@code GET /api/status} pages, filters and searches jobs, carries
 * each job's history strip, uptime and adaptive chart buckets; {@code GET /api/jobs} pages the
 * same way when asked and answers as before when not; the chart library comes from the jar.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusApiTest {
  static final String NEVER = EngineWithApi.NEVER;

  @RegisterExtension final EngineInvariants invariants = new EngineInvariants();
  @TempDir static Path dir;
  private EngineWithApi<LoopbackServer> app;
  private Http http;

  @BeforeAll
  void start() throws Exception {
    app = EngineWithApi.in(dir).checkedBy(invariants);
    LoopbackServer target = app.target();
    for (String id : List.of("alpha", "bravo", "charlie", "delta")) {
      app.job(id + ".yaml", """
          schedule: "%s"
          overlap: allow
          requests:
            - %s
          """.formatted(NEVER, target.url("/" + id)));
    }
    app.job("failing.yaml", """
        schedule: "%s"
        overlap: allow
        requests:
          - %s
        """.formatted(NEVER, target.url("/status/503")));
    app.job("ticker.yaml", """
        schedule: "* * * * * ?"
        requests:
          - %s
        """.formatted(target.url("/tick")));
    Engine engine = app.start();
    http = new Http(app.url());
    for (int i = 0; i < 3; i++) {
      app.fire("alpha");
    }
    app.fire("failing");
    app.await(engine.pause("delta"));
  }

  @AfterAll
  void stop() throws Exception {
    app.close();
  }

  @Test
  void status_pages_jobs_in_id_order_with_counts_over_all_of_them() throws Exception {
    JsonObject first = http.get("/api/status?limit=4").json();
    JsonObject second = http.get("/api/status?limit=4&offset=4").json();

    assertThat(ids(first)).containsExactly("alpha", "bravo", "charlie", "delta");
    assertThat(first.getInteger("nextOffset")).isEqualTo(4);
    assertThat(ids(second)).containsExactly("failing", "ticker");
    assertThat(second.getValue("nextOffset")).isNull();
    JsonObject counts = first.getJsonObject("counts");
    assertThat(counts.getInteger("jobs")).isEqualTo(6);
    assertThat(counts.getInteger("matched")).isEqualTo(6);
    assertThat(counts.getInteger("failing")).isEqualTo(1);
    assertThat(counts.getInteger("paused")).isEqualTo(1);
    JsonObject failures = first.getJsonArray("failuresByJob").getJsonObject(0);
    assertThat(failures.getString("job")).isEqualTo("failing");
    assertThat(failures.getInteger("count")).isEqualTo(1);
    assertThat(failures.getJsonObject("last").getString("outcome")).isEqualTo("HTTP_ERROR");
  }

  @Test
  void status_filters_by_state_and_searches_ids() throws Exception {
    assertThat(ids(http.get("/api/status?state=failing&limit=10").json())).containsExactly("failing");
    assertThat(ids(http.get("/api/status?state=PAUSED&limit=10").json())).containsExactly("delta");
    assertThat(ids(http.get("/api/status?q=ARL&limit=10").json())).containsExactly("charlie");
    assertThat(ids(http.get("/api/status?q=zzz&limit=10").json())).isEmpty();
    assertThat(ids(http.get("/api/status").json())).hasSize(6);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/status", "/api/jobs"})
  void bad_status_parameters_are_a_400_that_names_the_fix_on_both_routes(String route) throws Exception {
    Http.Answer unknown = http.get(route + "?page=2");
    Http.Answer state = http.get(route + "?state=sleepy");
    Http.Answer limit = http.get(route + "?limit=5000");
    Http.Answer twice = http.get(route + "?q=a&q=b");

    assertThat(List.of(unknown.status(), state.status(), limit.status(), twice.status())).containsOnly(400);
    assertThat(unknown.json().getString("error")).contains("q, state, offset or limit");
    assertThat(state.json().getString("error")).contains("failing, paused, invalid, disabled, scheduled", "sleepy");
    assertThat(limit.json().getString("error")).contains("1 to 100");
    assertThat(twice.json().getString("error")).contains("\"q\" is given more than once");
  }

  @Test
  void a_job_carries_its_history_strip_oldest_first_and_its_chart_buckets() throws Exception {
    JsonObject alpha = job(http.get("/api/status?q=alpha&limit=1").json(), "alpha");
    JsonArray strip = alpha.getJsonArray("history");

    assertThat(strip).hasSize(3);
    assertThat(strip.getJsonObject(0).getLong("id")).isLessThan(strip.getJsonObject(2).getLong("id"));
    assertThat(strip.getJsonObject(2).getString("status")).isEqualTo("OK");
    assertThat(strip.getJsonObject(2).getString("trigger")).isEqualTo("MANUAL");
    assertThat(strip.getJsonObject(2).getInteger("requests")).isEqualTo(1);
    JsonObject stats = alpha.getJsonObject("stats");
    assertThat(stats.getInteger("fetches")).isEqualTo(3);
    assertThat(stats.getInteger("bucketSeconds")).as("a few seconds of data, narrow buckets").isEqualTo(5);
    assertThat(stats.getString("from")).isNotNull();
  }

  @Test
  void uptime_counts_finished_scheduled_runs_and_leaves_manual_runs_out() throws Exception {
    await().atMost(Duration.ofSeconds(15)).until(() -> job(http.get("/api/status?q=ticker&limit=1").json(), "ticker")
        .getJsonObject("uptime").getJsonObject("24h").getInteger("runs") >= 2);
    JsonObject ticker = job(http.get("/api/status?q=ticker&limit=1").json(), "ticker").getJsonObject("uptime");
    JsonObject alpha = job(http.get("/api/status?q=alpha&limit=1").json(), "alpha").getJsonObject("uptime");

    assertThat(ticker.getJsonObject("24h").getDouble("percent")).isEqualTo(100.0);
    assertThat(ticker.getJsonObject("30d").getInteger("runs")).isGreaterThanOrEqualTo(ticker.getJsonObject("24h").getInteger("runs"));
    assertThat(alpha.getJsonObject("24h").getInteger("runs")).as("manual runs do not count").isZero();
    assertThat(alpha.getJsonObject("24h").getValue("percent")).isNull();
  }

  @Test
  void jobs_pages_when_asked_and_answers_as_before_when_not() throws Exception {
    JsonObject all = http.get("/api/jobs").json();
    JsonObject page = http.get("/api/jobs?limit=2&offset=2").json();

    assertThat(all.getJsonArray("jobs")).hasSize(6);
    assertThat(all.containsKey("nextOffset")).isFalse();
    assertThat(ids(page)).containsExactly("charlie", "delta");
    assertThat(page.getInteger("total")).isEqualTo(6);
    assertThat(page.getInteger("nextOffset")).isEqualTo(4);
  }

  @Test
  void a_pause_and_a_resume_show_in_the_state_filter_and_the_counts_at_the_next_poll() throws Exception {
    assertThat(ids(http.get("/api/status?state=paused&limit=10").json())).containsExactly("delta");

    app.await(app.engine().pause("bravo"));
    JsonObject paused = http.get("/api/status?state=paused&limit=10").json();
    JsonObject jobs = http.get("/api/jobs?state=paused&limit=10").json();
    app.await(app.engine().resume("bravo"));
    JsonObject resumed = http.get("/api/status?state=paused&limit=10").json();

    assertThat(ids(paused)).containsExactly("bravo", "delta");
    assertThat(paused.getJsonObject("counts").getInteger("paused")).isEqualTo(2);
    assertThat(ids(jobs)).containsExactly("bravo", "delta");
    assertThat(ids(resumed)).containsExactly("delta");
  }

  @Test
  void the_chart_library_is_served_from_the_jar() throws Exception {
    Http.Answer js = http.get("/vendor/uplot/uPlot.iife.min.js");
    Http.Answer css = http.get("/vendor/uplot/uPlot.min.css");

    assertThat(js.status()).isEqualTo(200);
    assertThat(js.body()).contains("uPlot");
    assertThat(css.status()).isEqualTo(200);
  }

  private static List<String> ids(JsonObject answer) {
    List<String> ids = new ArrayList<>();
    answer.getJsonArray("jobs").forEach(j -> ids.add(((JsonObject) j).getString("id")));
    return ids;
  }

  private static JsonObject job(JsonObject answer, String id) {
    for (Object o : answer.getJsonArray("jobs")) {
      if (id.equals(((JsonObject) o).getString("id"))) {
        return (JsonObject) o;
      }
    }
    throw new AssertionError("no job " + id + " in " + answer.encode());
  }
}
