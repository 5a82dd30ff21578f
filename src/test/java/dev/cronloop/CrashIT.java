package dev.cronloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import dev.cronloop.model.RunStatus;
import dev.cronloop.model.Trigger;
import dev.cronloop.record.Database;
import dev.cronloop.record.RunQueries;
import dev.cronloop.record.RunRow;
import dev.cronloop.testkit.ChildProcess;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LoopbackServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cronloop run} as a real child process killed with SIGKILL in the middle of runs: the next
 * start marks what it left RUNNING as INTERRUPTED, keeps the fetches those runs had recorded, and
 * applies each job's misfire policy to the fires missed while it was down.
 */
@Timeout(180)
class CrashIT {
  private static final String NODE = "crashing-node";

  @TempDir Path dir;

  @Test
  void kill_9_during_runs_leaves_interrupted_runs_with_their_fetches_and_misfires_applied()
      throws Exception {
    try (LoopbackServer server = LoopbackServer.start()) {
      Path jobs = dir.resolve("jobs");
      // One quick request is recorded at once; the slow one keeps the run RUNNING when killed.
      JobFiles.write(jobs, "slow.yaml", """
          schedule: "* * * * * ?"
          overlap: allow
          timeout: 30s
          requests:
            - %s
            - %s
          """.formatted(server.url("/quick"), server.url("/delay/20000/")));
      JobFiles.write(jobs, "once.yaml", """
          schedule: "*/2 * * * * ?"
          misfire: fire-once
          requests: [%s]
          """.formatted(server.url("/once")));
      JobFiles.write(jobs, "skipper.yaml", """
          schedule: "*/2 * * * * ?"
          misfire: skip
          requests: [%s]
          """.formatted(server.url("/skip")));
      String db = "jdbc:h2:file:" + dir.resolve("db/cronloop");

      Instant killedAt;
      try (ChildProcess first = cronloop(jobs, db)) {
        await().atMost(Duration.ofSeconds(40))
            .until(() -> server.arrivals().stream().filter(a -> a.path().startsWith("/delay")).count() >= 3
                && server.arrivals().stream().anyMatch(a -> a.path().equals("/skip")));
        // A run left RUNNING with its quick fetch committed, seen through the running process...
        await().atMost(Duration.ofSeconds(30)).until(() -> !fetchesOf(db,
            runs(db, "slow").stream().filter(r -> r.status() == RunStatus.RUNNING).toList()).isEmpty());
        // ...and on disk: H2 writes a commit to its file up to half a second later (its write delay).
        Thread.sleep(1_000);
        first.kill();
        first.waitFor(Duration.ofSeconds(10));
        killedAt = Instant.now();
      }
      // The killed process's H2 lock file may hold the file for a moment (H2 checks it is stale).
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> runs(db, null) != null);

      List<RunRow> left = runs(db, "slow");
      List<RunRow> leftRunning = left.stream().filter(r -> r.status() == RunStatus.RUNNING).toList();
      assertThat(leftRunning).as("runs the killed process left RUNNING").isNotEmpty();
      List<FetchRow> keptFetches = fetchesOf(db, leftRunning);
      assertThat(keptFetches).as("fetches recorded by runs left RUNNING").isNotEmpty();
      Instant lastOnce = latestScheduled(db, "once");
      Instant lastSkip = latestScheduled(db, "skipper");

      Thread.sleep(6_000); // down: at least two fires of each */2 job pass unseen

      try (ChildProcess second = cronloop(jobs, db)) {
        second.awaitOutput("cronloop started", Duration.ofSeconds(40));
        await().atMost(Duration.ofSeconds(20)).until(() ->
            runs(db, "once").stream().anyMatch(r -> r.trigger() == Trigger.MISFIRE && r.status() == RunStatus.OK)
                && runs(db, "skipper").stream().anyMatch(r -> r.status() == RunStatus.SKIPPED));
        second.signalTerm();
        assertThat(second.waitFor(Duration.ofSeconds(60))).as(second.output()).isZero();
        assertThat(second.output()).contains("marked INTERRUPTED");
      }

      for (RunRow was : leftRunning) {
        RunRow now = run(db, was.id());
        assertThat(now.status()).as("run %d after restart", was.id()).isEqualTo(RunStatus.INTERRUPTED);
        assertThat(now.finishedAt()).isNotNull().isAfterOrEqualTo(killedAt);
        List<FetchRow> fetches = fetchesOf(db, List.of(now));
        assertThat(now.requestsOk()).isEqualTo(fetches.stream().filter(f -> f.outcome() == Outcome.OK).count());
      }
      assertThat(fetchesOf(db, leftRunning)).as("fetches kept").hasSameSizeAs(keptFetches);

      List<RunRow> misfires =
          runs(db, "once").stream().filter(r -> r.trigger() == Trigger.MISFIRE).toList();
      assertThat(misfires).as("fire-once: one run for all fires missed").hasSize(1);
      assertThat(misfires.get(0).scheduledAt()).isAfter(lastOnce).isBefore(Instant.now());
      // Fires missed while the process was down (a loaded machine may also skip some before the kill).
      List<Instant> skipped = runs(db, "skipper").stream().filter(r -> r.status() == RunStatus.SKIPPED)
          .map(RunRow::scheduledAt).filter(t -> t.isAfter(lastSkip)).sorted().toList();
      assertThat(skipped).as("skip: each missed fire recorded SKIPPED").hasSizeGreaterThanOrEqualTo(2);
      assertThat(skipped.get(0)).isEqualTo(lastSkip.plusSeconds(2));
      assertThat(runs(db, null)).extracting(RunRow::status).doesNotContain(RunStatus.RUNNING);
    }
  }

  private ChildProcess cronloop(Path jobs, String db) throws Exception {
    return ChildProcess.cronloop(
        "run", "--jobs", jobs.toString(), "--db", db, "--http", "127.0.0.1:0", "--node", NODE,
        "--grace", "1s");
  }

  private static List<RunRow> runs(String db, String job) throws Exception {
    try (Database database = Database.open(db, 1)) {
      return new RunQueries(database.dataSource()).runs(job, null, null, 1000);
    }
  }

  private static RunRow run(String db, long id) throws Exception {
    try (Database database = Database.open(db, 1)) {
      return new RunQueries(database.dataSource()).run(id).orElseThrow();
    }
  }

  private static List<FetchRow> fetchesOf(String db, List<RunRow> runs) throws Exception {
    try (Database database = Database.open(db, 1)) {
      RunQueries q = new RunQueries(database.dataSource());
      List<FetchRow> all = new java.util.ArrayList<>();
      for (RunRow r : runs) {
        all.addAll(q.fetches(r.id()));
      }
      return all;
    }
  }

  private static Instant latestScheduled(String db, String job) throws Exception {
    return runs(db, job).stream().map(RunRow::scheduledAt).max(Instant::compareTo).orElseThrow();
  }
}
