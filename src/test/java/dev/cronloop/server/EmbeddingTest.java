package dev.cronloop.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.Engine;
import dev.cronloop.testkit.EngineInvariants;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LoopbackServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding example of the README as a test: a host Vert.x Web application shares its Vertx
 * with cronloop, mounts cronloop's router under {@code /cron}, fires a job and reads its outcome
 * through its own router, then closes cronloop and goes on serving.
 */
@Timeout(120)
class EmbeddingTest {
  @RegisterExtension final EngineInvariants invariants = new EngineInvariants();
  @TempDir Path dir;
  private Vertx host;
  private LoopbackServer target;

  @AfterEach
  void stop() throws Exception {
    if (host != null) {
      host.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (target != null) {
      target.close();
    }
  }

  @Test
  void a_host_app_mounts_cronloop_fires_a_job_reads_its_outcome_and_outlives_it() throws Exception {
    target = LoopbackServer.start();
    JobFiles.write(dir.resolve("jobs"), "ping.yaml", """
        schedule: "@daily"
        requests:
          - %s
        """.formatted(target.url("/ping")));
    host = Vertx.vertx();
    Router app = Router.router(host);
    app.get("/hello").handler(ctx -> ctx.end("hello from the host"));

    // The embedding example, as the README shows it.
    Engine cron = invariants.watch(Engine.builder(host)
        .jobs(dir.resolve("jobs"))
        .database("jdbc:h2:file:" + dir.resolve("db/cronloop"))
        .build());
    app.route("/cron/*").subRouter(cron.router());
    HttpServer server = host.createHttpServer().requestHandler(app).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    cron.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    Http http = new Http("http://127.0.0.1:" + server.actualPort());

    Http.Answer triggered = http.post("/cron/api/jobs/ping/trigger", null);
    long run = triggered.json().getLong("run");
    await().atMost(Duration.ofSeconds(10))
        .until(() -> "OK".equals(http.get("/cron/api/runs/" + run).json().getString("status")));
    JsonObject outcome = http.get("/cron/api/runs/" + run).json();
    Http.Answer page = http.get("/cron/");
    Http.Answer charts = http.get("/cron/vendor/uplot/uPlot.iife.min.js");
    cron.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

    assertThat(triggered.status()).isEqualTo(202);
    assertThat(outcome.getJsonArray("fetches").getJsonObject(0).getString("url")).isEqualTo(target.url("/ping"));
    assertThat(outcome.getJsonArray("fetches").getJsonObject(0).getString("outcome")).isEqualTo("OK");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("js/main.js");
    assertThat(charts.status()).as("the chart library, under the host's mount too").isEqualTo(200);
    assertThat(cron.httpPort()).isEqualTo(-1);
    assertThat(http.get("/hello").body()).isEqualTo("hello from the host");
    assertThat(http.get("/cron/api/jobs").status()).isEqualTo(503);
    assertThat(http.get("/cron/ready").status()).isEqualTo(503);
    assertThat(http.get("/cron/ready").json().getBoolean("database")).isFalse();
    assertThat(host.setTimer(1, id -> {})).isNotNegative();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.isAlive() && t.getName().startsWith("cronloop-")));
  }
}
