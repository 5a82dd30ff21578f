package dev.cronloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.model.RunStatus;
import dev.cronloop.record.Database;
import dev.cronloop.record.RunQueries;
import dev.cronloop.record.RunRow;
import dev.cronloop.testkit.EngineInvariants;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LoopbackServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scheduled fire's first requests are primed in the lead before its instant (their connections
 * taken, the requests built), and still written no sooner than the instant. The target closes
 * every connection after its answer, so each fire's connections are new and the server's accept
 * times show when they were taken; the second fire is the one looked at, the first having loaded
 * the client's code.
 */
@Timeout(60)
class PrimedFiresTest {
  @RegisterExtension final EngineInvariants invariants = new EngineInvariants();
  @TempDir Path dir;

  @Test
  void a_fires_requests_take_their_connections_ahead_and_leave_at_its_instant() throws Exception {
    try (LoopbackServer server = LoopbackServer.start()) {
      Instant first = Instant.now().plusSeconds(8).truncatedTo(ChronoUnit.SECONDS); // the engine starts first
      ZonedDateTime t = first.atZone(ZoneOffset.UTC);
      if (t.getSecond() > 57) { // both fires in one minute, for one cron expression
        t = t.plusSeconds(60 - t.getSecond());
      }
      Instant second = t.plusSeconds(2).toInstant();
      JobFiles.write(dir.resolve("jobs"), "twice.yaml", """
          name: twice
          schedule: "%d,%d %d %d %d %d ? %d"
          concurrency: 2
          requests:
            - %s
            - %s
            - %s
          """.formatted(t.getSecond(), t.getSecond() + 2, t.getMinute(), t.getHour(), t.getDayOfMonth(),
          t.getMonthValue(), t.getYear(), server.url("/close/1"), server.url("/close/2"), server.url("/close/3")));
      String db = "jdbc:h2:file:" + dir.resolve("db/cronloop");
      Engine engine = invariants.watch(Engine.builder().jobs(dir.resolve("jobs")).database(db).build());
      engine.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

      await().atMost(Duration.ofSeconds(20)).until(() -> server.received() == 6);
      engine.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

      long at = second.toEpochMilli();
      List<LoopbackServer.Arrival> late = server.arrivals().subList(3, 6);
      assertThat(late).as("no request written before its instant")
          .allSatisfy(a -> assertThat(a.epochMillis()).isGreaterThanOrEqualTo(at));
      assertThat(server.connections()).as("two connections (the concurrency) taken in the lead, before %s", at)
          .filteredOn(c -> c >= at - 400 && c < at).hasSize(2); // the lead is 250 ms
      try (Database database = Database.open(db, 1)) {
        List<RunRow> runs = new RunQueries(database.dataSource()).runs("twice", null, null, 10);
        assertThat(runs).hasSize(2).allSatisfy(r -> {
          assertThat(r.status()).isEqualTo(RunStatus.OK);
          assertThat(r.requestsOk()).isEqualTo(3);
          assertThat(r.startedAt()).isAfterOrEqualTo(r.scheduledAt());
        });
      }
    }
  }

  @Test
  void no_more_requests_are_primed_than_could_be_sent() throws Exception {
    try (LoopbackServer server = LoopbackServer.start()) {
      Instant first = Instant.now().plusSeconds(8).truncatedTo(ChronoUnit.SECONDS); // the engine starts first
      ZonedDateTime t = first.atZone(ZoneOffset.UTC);
      if (t.getSecond() > 57) {
        t = t.plusSeconds(60 - t.getSecond());
      }
      Instant second = t.plusSeconds(2).toInstant();
      for (int i = 0; i < 4; i++) {
        JobFiles.write(dir.resolve("jobs"), "job" + i + ".yaml", """
            name: job%d
            schedule: "%d,%d %d %d %d %d ? %d"
            requests:
              - %s
            """.formatted(i, t.getSecond(), t.getSecond() + 2, t.getMinute(), t.getHour(), t.getDayOfMonth(),
            t.getMonthValue(), t.getYear(), server.url("/close/" + i)));
      }
      String db = "jdbc:h2:file:" + dir.resolve("db/cronloop");
      Engine engine = invariants.watch(
          Engine.builder().jobs(dir.resolve("jobs")).database(db).maxInFlight(2).build());
      engine.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

      await().atMost(Duration.ofSeconds(20)).until(() -> server.received() == 8);
      engine.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

      long at = second.toEpochMilli();
      assertThat(server.connections()).as("primed in the lead before %s: at most the 2 requests in flight allowed", at)
          .filteredOn(c -> c >= at - 400 && c < at).hasSizeBetween(1, 2);
      assertThat(server.arrivals().subList(4, 8)).allSatisfy(a -> assertThat(a.epochMillis()).isGreaterThanOrEqualTo(at));
    }
  }
}
