package dev.cronloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.cronloop.testkit.LoopbackServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code next}, {@code validate} and {@code fire} without picocli print what they print through
 * picocli, with the same exit code, and leave every other argument list to picocli. {@code fire}
 * fires at a real loopback server and records into a real H2 file.
 */
class PlainArgsTest {
  @TempDir Path dir;

  private static LoopbackServer target;

  @BeforeAll
  static void startTarget() throws Exception {
    target = LoopbackServer.start();
  }

  @AfterAll
  static void stopTarget() throws Exception {
    target.close();
  }

  @BeforeEach
  void jobs() throws IOException {
    Files.createDirectories(dir.resolve("good"));
    Files.writeString(dir.resolve("good/a.yaml"), "schedule: \"*/30 * * * * ?\"\nrequests: [https://example.org]\n");
    Files.createDirectories(dir.resolve("bad"));
    Files.writeString(dir.resolve("bad/b.yaml"), "schedule: \"*/70 * * * * ?\"\ntimout: 5s\nrequests: [https://example.org]\n");
    Files.createDirectories(dir.resolve("fire"));
    Files.writeString(dir.resolve("fire/up.yaml"), "schedule: \"0 0 * * *\"\nrequests: [" + target.url("/up") + "]\n");
    Files.writeString(dir.resolve("fire/down.yaml"), "schedule: \"0 0 * * *\"\nrequests: ["
        + target.url("/status/503") + ", " + target.url("/ok") + "]\n");
    Files.writeString(dir.resolve("fire/broken.yaml"), "schedule: \"0 0 * * *\"\ntimout: 5s\nrequests: [" + target.url("/b") + "]\n");
    Files.createDirectories(dir.resolve("db"));
  }

  /** Exit code, stdout and stderr of one way of running. */
  private record Ran(Integer code, String out, String err) {}

  private static Ran plain(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Integer code = PlainArgs.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Ran(code, out.toString(), err.toString());
  }

  private static Ran picocli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Ran(code, out.toString(), err.toString());
  }

  private List<String[]> plainLists() {
    String good = dir.resolve("good").toString();
    String bad = dir.resolve("bad").toString();
    List<String[]> lists = new ArrayList<>();
    lists.add(new String[] {"next", "--from", "2024-06-12T10:00:00Z", "*/15 * * * *"});
    lists.add(new String[] {"next", "30 2 * * *", "--zone", "America/New_York", "--count", "3",
        "--from", "2024-03-09T12:00:00-05:00"});
    lists.add(new String[] {"next", "--from", "2024-06-12T10:00:00Z", "--spread", "5m", "--id", "orders", "@hourly"});
    lists.add(new String[] {"next", "--from", "2024-06-12T10:00:00Z", "@every 90s", "--count", "2"});
    lists.add(new String[] {"next", "--from", "2024-06-12T10:00:00Z", "*/70 * * * *"});
    lists.add(new String[] {"next", "--from", "yesterday", "* * * * *"});
    lists.add(new String[] {"next", "--zone", "Mars/Olympus", "* * * * *"});
    lists.add(new String[] {"next", "--count", "0", "* * * * *"});
    lists.add(new String[] {"next", "--spread", "5m", "* * * * *"});
    lists.add(new String[] {"validate", "--jobs", good});
    lists.add(new String[] {"validate", "--jobs", bad});
    lists.add(new String[] {"validate", "--json", "--jobs", bad});
    lists.add(new String[] {"validate", "--jobs", dir.resolve("none").toString()});
    return lists;
  }

  /** {@code fire} lines: passed, failed, no such job, a job whose file does not load, bad --db. */
  private List<String[]> fireLists() {
    String jobs = dir.resolve("fire").toString();
    String db = "jdbc:h2:file:" + dir.resolve("db/cronloop");
    List<String[]> lists = new ArrayList<>();
    lists.add(new String[] {"fire", "up", "--jobs", jobs, "--db", db});
    lists.add(new String[] {"fire", "--db", db, "--jobs", jobs, "down"});
    lists.add(new String[] {"fire", "--jobs", jobs, "nosuch", "--db", db});
    lists.add(new String[] {"fire", "broken", "--jobs", jobs, "--db", db});
    lists.add(new String[] {"fire", "up", "--jobs", jobs, "--db", "nojdbc"});
    lists.add(new String[] {"fire", "up", "--jobs", jobs, "--db", "jdbc:h2:file:" + dir.resolve("nodir/cronloop")});
    lists.add(new String[] {"fire", "up", "--jobs", dir.resolve("nofolder").toString(), "--db", db});
    lists.add(new String[] {"fire", "up", "--jobs", jobs, "--db", "jdbc:nosuchdb:x"});
    return lists;
  }

  /** A fire's line with its run id and duration, which differ from fire to fire, left out. */
  private static Ran sameFire(Ran ran) {
    return new Ran(ran.code(), ran.out().replaceAll("\"run\":\\d+", "\"run\":N")
        .replaceAll("\"durationMs\":\\d+", "\"durationMs\":N"), ran.err());
  }

  @Test
  void a_plain_fire_prints_what_picocli_prints_with_the_same_exit_code_and_records_its_run() throws Exception {
    List<Integer> codes = new ArrayList<>();
    for (String[] args : fireLists()) {
      Ran plain = sameFire(plain(args));
      Ran picocli = sameFire(picocli(args));

      assertThat(plain.code()).as(String.join(" ", args)).isNotNull();
      assertThat(plain).as(String.join(" ", args)).isEqualTo(picocli);
      codes.add(plain.code());
    }
    assertThat(codes).containsExactly(0, 1, 2, 2, 2, 1, 2, 2);
    assertThat(plain(fireLists().get(0)).out()).matches("\\{\"job\":\"up\",\"run\":\\d+,\"requests\":1,\"ok\":1,"
        + "\"failed\":0,\"durationMs\":\\d+}\\R");
    try (var c = java.sql.DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("db/cronloop") + ";AUTO_SERVER=TRUE");
        var q = c.createStatement().executeQuery(
            "SELECT job_id, status, COUNT(*) FROM runs GROUP BY job_id, status ORDER BY job_id")) {
      List<String> rows = new ArrayList<>();
      while (q.next()) {
        rows.add(q.getString(1) + " " + q.getString(2) + " " + q.getInt(3));
      }
      assertThat(rows).as("each fire once, through either path").containsExactly("down PARTIAL 2", "up OK 3");
    }
  }

  @Test
  void plain_arguments_print_what_picocli_prints_with_the_same_exit_code() {
    for (String[] args : plainLists()) {
      Ran plain = plain(args);
      Ran picocli = picocli(args);

      assertThat(plain.code()).as(String.join(" ", args)).isNotNull();
      assertThat(plain).as(String.join(" ", args)).isEqualTo(picocli);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "next", "next --help", "next -h", "next --version", "next --count=3 *", "next --count 03 *",
    "next --count x *", "next --count", "next * --count 2 --count 3", "next -1", "next * *",
    "next --verbose *", "next --from", "next --zone --count *", "next -- *", "validate --jobs",
    "validate --json --json", "validate --jobs a --jobs b", "validate extra", "validate --help",
    "fire", "fire --help", "fire -h", "fire a b", "fire x --jobs", "fire x --jobs=d", "fire x --db a --db b",
    "fire x --verbose", "fire --verbose x", "fire x --jbos d", "fire -- x", "fire x --db --jobs", "fire --version",
    "runs", "--verbose next *", "--verbose fire x", ""
  })
  void anything_else_is_left_to_picocli(String line) {
    String[] args = line.isEmpty() ? new String[0] : line.split(" ");

    assertThat(plain(args).code()).isNull();
  }

  @Test
  void an_argument_file_picocli_would_read_is_left_to_it_and_a_macro_is_not() throws IOException {
    Path file = Files.writeString(dir.resolve("args"), "--count 2\n");

    assertThat(plain("next", "@" + file).code()).isNull();
    assertThat(plain("next", "@@daily").code()).isNull();
    assertThat(plain("next", "--from", "2024-06-12T10:00:00Z", "@daily").code()).isZero();
    assertThat(plain("fire", "@" + file).code()).isNull();
    assertThat(plain("fire", "x", "--jobs", "@" + file).code()).isNull();
  }
}
