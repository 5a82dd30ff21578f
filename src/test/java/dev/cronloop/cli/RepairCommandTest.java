package dev.cronloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.testkit.DamagedH2;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * h2database/h2database#4383: a command on an H2 file a kill left damaged printed H2's bare "Chunk 2
 * not found". It now prints one line naming the file and {@code cronloop repair}, which rolls the
 * file back to its newest version that reads completely and keeps the damaged file beside it.
 */
class RepairCommandTest {
  @TempDir Path dir;

  /** Exit code, stdout and stderr of one command line. */
  private record Ran(int code, String out, String err) {}

  private static Ran run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine(args);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Ran(code, out.toString(), err.toString());
  }

  @Test
  void a_damaged_file_is_named_with_the_repair_and_repair_brings_its_runs_back() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("db/cronloop");
    Path file = dir.resolve("db/cronloop.mv.db").toAbsolutePath();
    DamagedH2.withRuns(url, 3);
    DamagedH2.loseMetaChunk(file);

    Ran runs = run("runs", "--db", url);
    Ran repair = run("repair", "--db", url);
    Ran runsAfter = run("runs", "--db", url, "--json");
    Ran again = run("repair", "--db", url);

    assertThat(runs.code()).isEqualTo(1);
    assertThat(runs.err().lines()).singleElement().asString()
        .startsWith("cronloop runs: database " + file + " is damaged and H2 cannot open it (Chunk ")
        .contains(" repair --db jdbc:h2:file:" + dir.resolve("db/cronloop").toAbsolutePath() + ": ");
    assertThat(repair.code()).isEqualTo(0);
    assertThat(repair.out()).startsWith(file + " rolled back from version ")
        .contains("(1 newer version did not read completely); the damaged file is kept as " + file + ".damaged-");
    assertThat(runsAfter.code()).isEqualTo(0);
    assertThat(DamagedH2.runIds(url)).containsExactly(1L, 2L, 3L);
    assertThat(again.out()).isEqualTo(file + " reads completely; nothing to repair" + System.lineSeparator());
  }

  @Test
  void repair_needs_an_h2_file() {
    Ran postgres = run("repair", "--db", "jdbc:postgresql://127.0.0.1/cronloop");
    Ran missing = run("repair", "--db", "jdbc:h2:file:" + dir.resolve("nosuch/cronloop"));

    assertThat(postgres.code()).isEqualTo(2);
    assertThat(postgres.err())
        .startsWith("cronloop repair: --db jdbc:postgresql://127.0.0.1/cronloop names no H2 file;");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("cronloop repair: " + dir.resolve("nosuch/cronloop.mv.db").toAbsolutePath()
        + " does not exist; check the path and its permissions" + System.lineSeparator());
  }
}
