package dev.cronloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;
import static org.awaitility.Awaitility.await;

import dev.cronloop.record.Database;
import dev.cronloop.testkit.ChildProcess;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LoopbackServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue: H2 closes a file database from its own JVM shutdown hook, and JVM shutdown hooks run
 * side by side, so a SIGTERM that started JVM shutdown let H2 close the file while the engine was
 * still committing its last rows (a committed row went missing; H2's trace held an MVStore
 * NullPointerException and "Database is already closed").
 *
 * <p>A child {@code cronloop run} is stopped with SIGTERM while a job writes hundreds of rows a
 * second. The writes the engine says it committed ("N outcomes written") must all be in the file,
 * every run final with as many fetch rows as it counted, and H2's trace file free of errors. The
 * race needs the signal to land among writes, so each repetition is a new child.
 */
@Timeout(60)
class H2ShutdownHookIT {
  private static final Pattern WRITTEN = Pattern.compile("cronloop stopped: (\\d+) outcomes written");

  @TempDir Path dir;

  @RepeatedTest(5)
  void sigterm_while_rows_are_written_leaves_every_committed_write_in_a_cleanly_closed_h2_file()
      throws Exception {
    Path db = dir.resolve("db/cronloop");
    String output;
    try (LoopbackServer server = LoopbackServer.start()) {
      Path jobs = manyRowsJob(server, "* * * * * ?");
      JobFiles.write(jobs, "slow.yaml", """
          schedule: "* * * * * ?"
          overlap: allow
          requests:
            - %s
          """.formatted(server.url("/delay/500/")));

      try (ChildProcess child = ChildProcess.cronloop(
          "run", "--jobs", jobs.toString(), "--db", "jdbc:h2:file:" + db, "--http", "127.0.0.1:0",
          "--grace", "2s")) {
        await().atMost(Duration.ofSeconds(30)).until(() -> server.received() >= 1_000);

        child.signalTerm();
        int exit = child.waitFor(Duration.ofSeconds(20));
        output = child.output();

        assertThat(exit).as(output).isZero();
      }
    }

    Matcher written = WRITTEN.matcher(output);
    assertThat(written.find()).as(output).isTrue();
    long committed = Long.parseLong(written.group(1));
    List<String> traced = traceErrors(db);
    Rows rows = rows(db);
    assertSoftly(softly -> {
      softly.assertThat(rows.writes()).as("writes in the file; the engine committed %d", committed)
          .isEqualTo(committed);
      softly.assertThat(rows.problems()).as("runs that are not final or miss fetch rows").isEmpty();
      softly.assertThat(traced).as("errors in H2's trace file").isEmpty();
      softly.assertThat(output).as("engine output").doesNotContain("database write of");
    });
  }

  @Test
  void fire_closes_the_database_before_the_jvm_exits() throws Exception {
    Path db = dir.resolve("db/cronloop");
    try (LoopbackServer server = LoopbackServer.start()) {
      Path jobs = manyRowsJob(server, "0 0 0 1 1 ?");
      Database.open("jdbc:h2:file:" + db, 1).close(); // fire opens only a database that exists

      try (ChildProcess child = ChildProcess.cronloop(
          "fire", "many", "--jobs", jobs.toString(), "--db", "jdbc:h2:file:" + db)) {
        int exit = child.waitFor(Duration.ofSeconds(30));

        assertThat(exit).as(child.output()).isZero();
        assertThat(child.output()).contains("\"requests\":400,\"ok\":400");
      }
    }

    assertThat(traceErrors(db)).as("errors in H2's trace file").isEmpty();
    Rows rows = rows(db);
    assertThat(rows.problems()).isEmpty();
    assertThat(rows.writes()).as("one run: insert, 400 fetches, finish").isEqualTo(402);
  }

  /** A job of 400 quick requests, 50 at a time: about a batch of rows every few milliseconds. */
  private Path manyRowsJob(LoopbackServer server, String schedule) throws Exception {
    Path jobs = dir.resolve("jobs");
    JobFiles.urls(jobs, "many.txt", server.url("/many/"), 400);
    JobFiles.write(jobs, "many.yaml", """
        schedule: "%s"
        overlap: allow
        concurrency: 50
        urlsFrom: many.txt
        """.formatted(schedule));
    return jobs;
  }

  /** The error lines of H2's trace file next to the database (H2 traces errors only, by default). */
  private static List<String> traceErrors(Path db) throws Exception {
    Path trace = Path.of(db + ".trace.db");
    if (!Files.exists(trace)) {
      return List.of();
    }
    return Files.readAllLines(trace).stream()
        .filter(line -> line.matches("\\S.*(Exception|Error).*"))
        .distinct()
        .toList();
  }

  /**
   * What the file holds: the recorder writes its rows stand for, and each run that is not final or
   * whose fetch rows differ from the count it recorded.
   */
  private record Rows(long writes, List<String> problems) {}

  private static Rows rows(Path db) throws Exception {
    long writes = 0;
    List<String> problems = new ArrayList<>();
    try (Database database = Database.open("jdbc:h2:file:" + db, 1);
        Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT r.id, r.status, r.finished_at, r.requests_ok + r.requests_failed,"
                + " (SELECT COUNT(*) FROM fetches f WHERE f.run_id = r.id) FROM runs r")) {
      while (rs.next()) {
        String status = rs.getString(2);
        long fetches = rs.getLong(5);
        // A run's insert, its finish unless it was skipped, and one write per fetch.
        writes += (status.equals("SKIPPED") ? 1 : 2) + fetches;
        if (status.equals("RUNNING") || rs.getObject(3) == null || rs.getLong(4) != fetches) {
          problems.add("run " + rs.getLong(1) + " " + status + " counted " + rs.getLong(4)
              + " requests, " + fetches + " fetch rows in the file");
        }
      }
    }
    return new Rows(writes, problems);
  }
}
