package dev.cronloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.definition.JobDefinition;
import dev.cronloop.model.RunStatus;
import dev.cronloop.record.Database;
import dev.cronloop.record.RunQueries;
import dev.cronloop.record.RunRow;
import dev.cronloop.testkit.EngineInvariants;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LoopbackServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A running engine following its jobs folder: triggers change with the files, runs go on. */
@Timeout(120)
class ReloadEngineTest {
  private static final String NEVER = "0 0 0 1 1 ? 2099";
  @RegisterExtension final EngineInvariants invariants = new EngineInvariants();
  @TempDir Path dir;
  private LoopbackServer server;
  private Engine engine;

  @BeforeEach
  void startServer() throws Exception {
    server = LoopbackServer.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (engine != null) {
      engine.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    server.close();
  }

  @Test
  void a_job_deleted_while_its_run_is_in_flight_finishes_and_is_recorded() throws Exception {
    JobFiles.write(jobs(), "slow.yaml", """
        schedule: "* * * * * ?"
        timeout: 10s
        requests: [ %s ]
        """.formatted(server.url("/delay/2000/x")));
    start();
    await().atMost(Duration.ofSeconds(10)).until(() -> server.inFlight() >= 1);

    Files.delete(jobs().resolve("slow.yaml"));
    Instant deleted = Instant.now();
    await().atMost(Duration.ofSeconds(1)).until(() -> engine.nextFire("slow").isEmpty());

    assertThat(engine.catalog().job("slow")).isEmpty();
    await().atMost(Duration.ofSeconds(10)).until(() -> !runs(RunStatus.OK).isEmpty());
    RunRow run = runs(RunStatus.OK).get(0);
    assertThat(run.finishedAt()).isAfter(deleted);
    assertThat(run.requestsOk()).isEqualTo(1);
    assertThat(runs(RunStatus.RUNNING)).isEmpty();
  }

  @Test
  void a_changed_schedule_rearms_its_job_and_leaves_the_others_alone() throws Exception {
    JobFiles.write(jobs(), "a.yaml", "schedule: \"@every 1h\"\nrequests: [ %s ]\n".formatted(server.url("/a")));
    JobFiles.write(jobs(), "b.yaml", "schedule: \"@every 1h\"\nrequests: [ %s ]\n".formatted(server.url("/b")));
    start();
    Instant bNext = engine.nextFire("b").orElseThrow();

    JobFiles.write(jobs(), "a.yaml", "schedule: \"%s\"\nrequests: [ %s ]\n".formatted(NEVER, server.url("/a")));
    await().atMost(Duration.ofSeconds(1))
        .until(() -> engine.nextFire("a").equals(Optional.of(Instant.parse("2099-01-01T00:00:00Z"))));
    JobFiles.write(jobs(), "b.yaml", "schedule: \"@every 1h\"\nrequests: [ %s ]\n".formatted(server.url("/b2")));
    await().atMost(Duration.ofSeconds(1))
        .until(() -> engine.catalog().job("b").orElseThrow().requests().get(0).url().endsWith("/b2"));

    assertThat(engine.nextFire("b")).contains(bNext);
  }

  @Test
  void a_burst_of_a_thousand_files_is_scheduled_once_each() throws Exception {
    start();

    for (int i = 0; i < 1000; i++) {
      JobFiles.write(jobs(), "job-" + i + ".yaml",
          "schedule: \"%s\"\nrequests: [ %s ]\n".formatted(NEVER, server.url("/" + i)));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> engine.catalog().jobs().size() == 1000);

    List<String> ids = engine.catalog().jobs().stream().map(JobDefinition::id).toList();
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(ids).allSatisfy(id -> assertThat(engine.nextFire(id)).contains(Instant.parse("2099-01-01T00:00:00Z")));
  }

  private List<RunRow> runs(RunStatus status) throws Exception {
    try (Database db = Database.open(dbUrl(), 1)) {
      return new RunQueries(db.dataSource()).runs("slow", status, null, 10);
    }
  }

  private void start() throws Exception {
    Files.createDirectories(jobs());
    engine = invariants.watch(Engine.builder().jobs(jobs()).database(dbUrl()).schedule(true).build());
    engine.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private Path jobs() {
    return dir.resolve("jobs");
  }

  private String dbUrl() {
    return "jdbc:h2:file:" + dir.resolve("db/cronloop");
  }
}
