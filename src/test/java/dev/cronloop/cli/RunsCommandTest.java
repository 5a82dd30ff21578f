package dev.cronloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.record.Database;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cronloop runs} on a real H2 file: the reason of a SKIPPED run is shown. */
class RunsCommandTest {
  @TempDir Path dir;

  @Test
  void a_run_skipped_for_a_pause_shows_its_reason_in_the_table_and_in_json() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("db/cronloop");
    try (Database db = Database.open(url, 2);
        Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO runs (id, job_id, node, trigger, scheduled_at, fired_at, finished_at,"
          + " status, requests_total, reason) VALUES (7, 'tick', 'n1', 'SCHEDULE',"
          + " TIMESTAMP WITH TIME ZONE '2026-12-06 10:00:00+00', TIMESTAMP WITH TIME ZONE '2026-12-06 10:00:00+00',"
          + " TIMESTAMP WITH TIME ZONE '2026-12-06 10:00:00+00', 'SKIPPED', 1,"
          + " 'paused by API at 2026-12-06T09:58:12Z on n1')");
    }

    String table = run("runs", "--db", url);
    String json = run("runs", "--db", url, "--json");

    assertThat(table.lines().findFirst().orElseThrow()).endsWith("REASON");
    assertThat(table).contains("SKIPPED", "paused by API at 2026-12-06T09:58:12Z on n1");
    assertThat(json).contains("\"reason\":\"paused by API at 2026-12-06T09:58:12Z on n1\"");
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out));
    assertThat(cmd.execute(args)).isZero();
    return out.toString();
  }
}
