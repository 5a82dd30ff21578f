package dev.cronloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cronloop.model.RunStatus;
import dev.cronloop.record.Database;
import dev.cronloop.record.RunQueries;
import dev.cronloop.record.RunRow;
import dev.cronloop.testkit.EngineInvariants;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LoopbackServer;
import dev.cronloop.testkit.NoBlockedThreads;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The engine's database, a real H2 TCP server, goes away while jobs keep firing and comes back:
 * outcomes spill to the journal, the engine says it is degraded (log, {@code /ready}, metric),
 * and once the server is back every fire is in {@code runs} exactly once.
 */
@Timeout(120)
class DatabaseOutageTest {
  @RegisterExtension final EngineInvariants invariants = new EngineInvariants();
  @TempDir Path dir;

  @Test
  void a_database_outage_loses_no_fire_and_says_loudly_that_it_is_degraded() throws Exception {
    // the outage this test causes, as the recorder reports it
    invariants.expectWarn("database write of").expectWarn("DEGRADED: the database has been away")
        .expectWarn("database back after").expectWarn("cannot renew the lease");
    ListAppender<ILoggingEvent> logs = capture("dev.cronloop.record.Recorder");
    int port = freePort();
    Server h2 = tcp(port);
    String url = "jdbc:h2:tcp://127.0.0.1:" + port + "/./outage";
    try (LoopbackServer target = LoopbackServer.start()) {
      JobFiles.write(dir.resolve("jobs"), "tick.yaml", """
          schedule: "* * * * * ?"
          requests: [%s]
          """.formatted(target.url("/tick")));
      // the engine is a guest on a Vert.x whose checker warns after 200 ms: JDBC never runs on the loop
      Vertx host = Vertx.vertx(NoBlockedThreads.strict(new VertxOptions()));
      Engine engine = invariants.watch(Engine.builder(host).jobs(dir.resolve("jobs")).database(url)
          .journal(dir.resolve("journal/cronloop.journal")).spillAfter(Duration.ofSeconds(1))
          .http(new InetSocketAddress("127.0.0.1", 0)).node("n1").build());
      engine.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      String base = "http://127.0.0.1:" + engine.httpPort();
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> target.received() >= 2);
        assertThat(get(base + "/ready").statusCode()).isEqualTo(200);

        h2.stop();
        await().atMost(Duration.ofSeconds(40)).until(() -> gauge(engine, "cronloop.recorder.degraded") == 1);
        HttpResponse<String> degraded = get(base + "/ready");
        await().atMost(Duration.ofSeconds(20)).until(() -> gauge(engine, "cronloop.recorder.spilled") >= 9);
        int firedWhileDown = target.received();
        assertThat(Files.readAllLines(dir.resolve("journal/cronloop.journal")).size()).isGreaterThan(9);

        h2 = tcp(port);
        await().atMost(Duration.ofSeconds(30)).until(() -> gauge(engine, "cronloop.recorder.degraded") == 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> get(base + "/ready").statusCode() == 200);
        await().atMost(Duration.ofSeconds(10)).until(() -> target.received() >= firedWhileDown + 2);

        assertThat(degraded.statusCode()).isEqualTo(503);
        assertThat(degraded.body()).contains("\"recorder\":\"degraded");
        assertThat(get(base + "/metrics").body()).contains("cronloop_recorder_degraded 0.0");
        assertThat(dir.resolve("journal/cronloop.journal")).doesNotExist();
      } finally {
        engine.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        host.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      invariants.checkEngines(); // while the H2 server is still up

      try (Database db = Database.open(url, 1)) {
        List<RunRow> runs = new RunQueries(db.dataSource()).runs("tick", null, null, 1000);
        List<Instant> scheduled = runs.stream().map(RunRow::scheduledAt).sorted().toList();
        assertThat(runs).hasSize(target.received());
        assertThat(scheduled).doesNotHaveDuplicates();
        for (int i = 1; i < scheduled.size(); i++) {
          assertThat(scheduled.get(i)).as("no fire missing").isEqualTo(scheduled.get(i - 1).plusSeconds(1));
        }
        assertThat(runs).extracting(RunRow::status).containsOnly(RunStatus.OK);
        assertThat(count(db, "SELECT COUNT(*) FROM fetches")).isEqualTo(runs.size());
        assertThat(count(db, "SELECT COUNT(*) FROM journal_replays")).isGreaterThanOrEqualTo(1);
      }
    } finally {
      h2.stop();
    }
    List<String> warnings = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(warnings.stream().filter(m -> m.startsWith("DEGRADED"))).hasSize(1);
    assertThat(warnings.stream().filter(m -> m.startsWith("database back"))).hasSize(1);
  }

  @Test
  void fires_wait_for_run_ids_through_an_outage_longer_than_one_block_of_ids() throws Exception {
    // the outage this test causes, as the recorder and the run-id blocks report it
    invariants.expectWarn("database write of").expectWarn("DEGRADED: the database has been away")
        .expectWarn("database back after").expectWarn("cannot take run ids from the database")
        .expectWarn("cannot renew the lease");
    int port = freePort();
    Server h2 = tcp(port);
    String url = "jdbc:h2:tcp://127.0.0.1:" + port + "/./ids";
    int jobs = 150; // 150 fires a second use up a block of 1000 ids in under 7 s
    try (LoopbackServer target = LoopbackServer.start()) {
      for (int j = 0; j < jobs; j++) {
        JobFiles.write(dir.resolve("jobs"), "j" + j + ".yaml", """
            schedule: "* * * * * ?"
            requests: [%s]
            """.formatted(target.url("/j" + j)));
      }
      Vertx host = Vertx.vertx(NoBlockedThreads.strict(new VertxOptions()));
      Engine engine = invariants.watch(Engine.builder(host).jobs(dir.resolve("jobs")).database(url)
          .journal(dir.resolve("journal/ids.journal")).spillAfter(Duration.ofSeconds(1)).node("n1").build());
      engine.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> target.received() >= jobs * 2);
        h2.stop();
        // Keep the database away until the block of ids has run out (1,000 ids at 150 fires a
        // second) with two seconds of fires (300) waiting for ids, and until the recorder has
        // declared the outage, so that it replays its journal when the database is back. Events,
        // not a fixed sleep: the recorder's retry backoff decides how long that takes.
        await().atMost(Duration.ofSeconds(40)).until(() -> fired(engine) - target.received() >= jobs * 2);
        await().atMost(Duration.ofSeconds(40)).until(() -> gauge(engine, "cronloop.recorder.degraded") == 1);
        h2 = tcp(port);
        await().atMost(Duration.ofSeconds(40)).until(() -> gauge(engine, "cronloop.recorder.degraded") == 0);
        int settled = target.received();
        await().atMost(Duration.ofSeconds(20)).until(() -> target.received() >= settled + jobs * 2);
      } finally {
        engine.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        host.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      invariants.checkEngines(); // while the H2 server is still up

      try (Database db = Database.open(url, 1)) {
        List<RunRow> runs = new RunQueries(db.dataSource()).runs(null, null, null, 100_000);
        // Fires that waited for ids start together when the database is back; overlap: skip (the
        // default) records all but the first of each job SKIPPED. Each is in runs, once.
        assertThat(runs).as(statuses(db)).filteredOn(r -> r.status() == RunStatus.OK).hasSize(target.received());
        assertThat(count(db, "SELECT COUNT(*) FROM fetches")).isEqualTo(target.received());
        java.util.Map<String, List<Instant>> byJob = new java.util.TreeMap<>();
        runs.forEach(r -> byJob.computeIfAbsent(r.jobId(), k -> new java.util.ArrayList<>()).add(r.scheduledAt()));
        assertThat(byJob).hasSize(jobs);
        for (List<Instant> fires : byJob.values()) {
          List<Instant> sorted = fires.stream().sorted().toList();
          assertThat(sorted).doesNotHaveDuplicates();
          for (int i = 1; i < sorted.size(); i++) {
            assertThat(sorted.get(i)).as("no fire missing").isEqualTo(sorted.get(i - 1).plusSeconds(1));
          }
        }
        assertThat(runs).extracting(RunRow::status).containsOnly(RunStatus.OK, RunStatus.SKIPPED);
      }
    } finally {
      h2.stop();
    }
  }

  private static String statuses(Database db) throws Exception {
    StringBuilder sb = new StringBuilder();
    try (Connection c = db.dataSource().getConnection(); ResultSet rs = c.createStatement().executeQuery(
        "SELECT r.status, f.outcome, f.error, COUNT(*) FROM runs r LEFT JOIN fetches f ON f.run_id = r.id"
            + " GROUP BY r.status, f.outcome, f.error")) {
      while (rs.next()) {
        sb.append(rs.getString(1)).append('/').append(rs.getString(2)).append('/').append(rs.getString(3))
            .append(": ").append(rs.getLong(4)).append("; ");
      }
    }
    return sb.toString();
  }

  private Server tcp(int port) throws Exception {
    return Server.createTcpServer("-tcpPort", Integer.toString(port), "-baseDir",
        dir.resolve("h2").toString(), "-ifNotExists").start();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Scheduled fires the engine let through its start gate, whether or not they have run. */
  private static double fired(Engine engine) {
    return engine.metrics().find("cronloop.fires").counters().stream().mapToDouble(c -> c.count()).sum();
  }

  private static double gauge(Engine engine, String name) {
    var g = engine.metrics().find(name).gauge();
    return g == null ? -1 : g.value();
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static long count(Database db, String sql) throws Exception {
    try (Connection c = db.dataSource().getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static ListAppender<ILoggingEvent> capture(String logger) {
    ch.qos.logback.classic.Logger l = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(logger);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    l.addAppender(appender);
    return appender;
  }
}
