package dev.cronloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.model.RunStatus;
import dev.cronloop.record.Database;
import dev.cronloop.record.RunQueries;
import dev.cronloop.record.RunRow;
import dev.cronloop.testkit.ChildProcess;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LoopbackServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code cronloop run} as a real child process, stopped by one SIGTERM in the middle of runs. */
@Timeout(120)
class ShutdownIT {
  @TempDir Path dir;

  @Test
  void sigterm_during_runs_leaves_every_fired_run_final_and_exits_0_within_the_grace_period()
      throws Exception {
    try (LoopbackServer server = LoopbackServer.start()) {
      Path jobs = dir.resolve("jobs");
      JobFiles.urls(jobs, "slow.txt", server.url("/delay/4000/"), 40);
      JobFiles.write(jobs, "slow.yaml", """
          schedule: "* * * * * ?"
          overlap: allow
          concurrency: 10
          timeout: 10s
          urlsFrom: slow.txt
          """);
      JobFiles.write(jobs, "quick.yaml", """
          schedule: "* * * * * ?"
          requests:
            - %s
          """.formatted(server.url("/quick")));
      String db = "jdbc:h2:file:" + dir.resolve("db/cronloop");

      try (ChildProcess child = ChildProcess.cronloop(
          "run", "--jobs", jobs.toString(), "--db", db, "--http", "127.0.0.1:0", "--grace", "2s")) {
        await().atMost(Duration.ofSeconds(30)).until(() -> server.received() >= 25);

        long t0 = System.nanoTime();
        child.signalTerm();
        int exit = child.waitFor(Duration.ofSeconds(20));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

        assertThat(exit).as(child.output()).isZero();
        assertThat(tookMs).as("shutdown took").isLessThan(2_000 + 8_000);
        assertThat(child.output()).contains("cronloop stopped");
      }

      try (Database database = Database.open(db, 1)) {
        List<RunRow> runs = new RunQueries(database.dataSource()).runs(null, null, null, 1000);
        assertThat(runs).isNotEmpty();
        assertThat(runs).extracting(RunRow::status).doesNotContain(RunStatus.RUNNING);
        assertThat(runs).filteredOn(r -> r.jobId().equals("slow"))
            .extracting(RunRow::status).contains(RunStatus.CANCELLED);
        assertThat(runs).allSatisfy(r -> assertThat(r.finishedAt()).isNotNull());
      }
    }
  }
}
