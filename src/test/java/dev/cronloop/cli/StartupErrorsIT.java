package dev.cronloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.testkit.ChildProcess;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.Postgres;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 7: every failure before the engine is up prints exactly one line (no stack trace
 * unless --verbose) naming the cause and the fix, and exits 2 for a usage error, 1 at run time.
 * Each case runs {@code target/cronloop} as a child process; its output (stdout and stderr) must
 * be that one line. Before the issue these printed 20-50 lines of stack trace, created databases
 * that did not exist, or read an expression as an option.
 */
@Timeout(120)
class StartupErrorsIT {
  private static final Duration EXIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  /** Runs {@code target/cronloop ARGS} to its end; returns its exit code and its lines. */
  private static Result cronloop(String... args) throws Exception {
    try (ChildProcess child = ChildProcess.cronloop(args)) {
      int exit = child.waitFor(EXIT);
      return new Result(exit, child.output().lines().toList());
    }
  }

  private record Result(int exit, List<String> lines) {
    String line() {
      assertThat(lines).as("output").hasSize(1);
      return lines.get(0);
    }
  }

  private Path jobs() throws Exception {
    Path jobs = dir.resolve("jobs");
    JobFiles.write(jobs, "api-health.yaml", "schedule: \"@daily\"\nrequests: [http://127.0.0.1:9/]\n");
    return jobs;
  }

  private List<Path> filesIn(Path folder) throws Exception {
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void a_jdbc_url_no_driver_reads_exits_2() throws Exception {
    Result r = cronloop("runs", "--db", "jdbc:nosuch:x");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.line()).isEqualTo("cronloop runs: --db jdbc:nosuch:x: no JDBC driver reads this"
        + " URL; write jdbc:h2:file:PATH or jdbc:postgresql://HOST:PORT/DATABASE");
  }

  @Test
  void an_unreachable_postgresql_exits_1_naming_host_and_port() throws Exception {
    Result r = cronloop("run", "--jobs", jobs().toString(), "--http", "127.0.0.1:0",
        "--db", "jdbc:postgresql://127.0.0.1:1/x");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.line()).isEqualTo("cronloop run: cannot reach database 127.0.0.1:1: connection"
        + " refused; start it, or fix the host and port in --db");
  }

  @Test
  void a_port_in_use_exits_1_naming_it_and_the_way_out() throws Exception {
    try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String http = "127.0.0.1:" + held.getLocalPort();

      Result r = cronloop("run", "--jobs", jobs().toString(), "--http", http,
          "--db", "jdbc:h2:file:" + dir.resolve("db/cronloop"));

      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.line()).isEqualTo("cronloop run: cannot listen on " + http + ": the port is in"
          + " use; stop the other process or pass --http 127.0.0.1:0 for any free port");
    }
  }

  @Test
  void run_without_its_jobs_folder_exits_2_and_opens_no_database() throws Exception {
    Path missing = dir.resolve("nojobs");

    Result r = cronloop("run", "--jobs", missing.toString(), "--http", "127.0.0.1:0",
        "--db", "jdbc:h2:file:" + dir.resolve("db/cronloop"));

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.line()).isEqualTo("cronloop run: jobs folder " + missing + " does not exist;"
        + " create it, pass --jobs DIR, or pass --allow-empty to start with no jobs until it appears");
    assertThat(dir.resolve("db")).doesNotExist();
  }

  @Test
  void allow_empty_starts_without_the_jobs_folder_with_a_warning() throws Exception {
    Path missing = dir.resolve("nojobs");

    try (ChildProcess child = ChildProcess.cronloop("run", "--allow-empty", "--jobs",
        missing.toString(), "--http", "127.0.0.1:0", "--db", "jdbc:h2:file:" + dir.resolve("db/cronloop"))) {
      child.awaitOutput("cronloop started", Duration.ofSeconds(60));
      child.signalTerm();

      assertThat(child.waitFor(EXIT)).as(child.output()).isZero();
      assertThat(child.output()).contains("WARN", missing + ":0:0: jobs folder does not exist");
    }
  }

  @Test
  void an_unreadable_token_file_exits_2_naming_it() throws Exception {
    Result r = cronloop("run", "--jobs", jobs().toString(), "--token-file", dir.toString(),
        "--db", "jdbc:h2:file:" + dir.resolve("db/cronloop"));

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.line()).startsWith("cronloop run: cannot read --token-file " + dir + " (")
        .endsWith("); check the path and its permissions");
  }

  @Test
  void runs_on_a_missing_h2_file_exits_1_naming_it_and_creates_nothing() throws Exception {
    Result r = cronloop("runs", "--db", "jdbc:h2:file:" + dir.resolve("nosuch/cronloop"));

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.line()).isEqualTo("cronloop runs: database " + dir.resolve("nosuch/cronloop.mv.db")
        + " does not exist; check --db, or start cronloop run once to create it");
    assertThat(filesIn(dir)).isEmpty();
    assertThat(dir.resolve("nosuch")).doesNotExist();
  }

  @Test
  void fire_on_an_h2_file_in_a_missing_folder_exits_1_naming_it_and_creates_nothing() throws Exception {
    Path jobs = jobs();

    Result r = cronloop("fire", "api-health", "--jobs", jobs.toString(),
        "--db", "jdbc:h2:file:" + dir.resolve("db/cronloop"));

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.line()).isEqualTo("cronloop fire: database " + dir.resolve("db/cronloop.mv.db")
        + " does not exist; check --db, or start cronloop run once to create it");
    assertThat(dir.resolve("db")).doesNotExist();
  }

  @Test
  void fire_into_a_folder_that_exists_creates_its_database_and_records_the_run() throws Exception {
    Path jobs = jobs();
    Files.createDirectories(dir.resolve("db"));

    Result r = cronloop("fire", "api-health", "--jobs", jobs.toString(),
        "--db", "jdbc:h2:file:" + dir.resolve("db/fresh"));

    assertThat(r.exit()).as("port 9 refuses: the one request fails").isEqualTo(1);
    assertThat(r.lines()).anyMatch(l -> l.startsWith("{\"job\":\"api-health\"") && l.contains("\"failed\":1"));
    assertThat(dir.resolve("db/fresh.mv.db")).exists();
  }

  @Test
  void fire_of_an_unknown_job_exits_2_naming_the_known_ones_and_creates_no_database() throws Exception {
    Path jobs = jobs();

    Result r = cronloop("fire", "nosuchjob", "--jobs", jobs.toString(),
        "--db", "jdbc:h2:file:" + dir.resolve("db/cronloop"));

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.line()).isEqualTo("cronloop fire: no job \"nosuchjob\" in " + jobs
        + "; known jobs: [api-health]");
    assertThat(dir.resolve("db")).doesNotExist();
  }

  @Test
  void next_reads_a_dashed_expression_as_an_expression_and_names_the_minute_field() throws Exception {
    Result r = cronloop("next", "-1 * * * *");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.line()).isEqualTo("cronloop next: minutes: \"-1\" is not a number (at column 1"
        + " of \"-1 * * * *\")");
  }

  @Test
  void verbose_shows_the_stack_trace_after_the_line() throws Exception {
    Result r = cronloop("runs", "--verbose", "--db", "jdbc:h2:file:" + dir.resolve("nosuch"));

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.lines().get(0)).startsWith("cronloop runs: database ");
    assertThat(r.lines()).hasSizeGreaterThan(5)
        .anySatisfy(l -> assertThat(l).contains("org.h2.jdbc.JdbcSQLNonTransientConnectionException"))
        .anySatisfy(l -> assertThat(l).startsWith("\tat "));
  }

  @Test
  @Tag("cluster")
  void an_unknown_postgresql_database_or_role_exits_1_naming_it_and_the_server() throws Exception {
    try (Postgres pg = Postgres.freshDatabase()) {
      String noDatabase = pg.url().replace("/cronloop_it_", "/nosuch_it_");
      String noRole = pg.url().contains("user=") ? pg.url().replaceAll("user=[^&]*", "user=nosuch_role")
          : pg.url() + (pg.url().contains("?") ? "&" : "?") + "user=nosuch_role";
      String server = FailureLine.where(pg.url());

      Result database = cronloop("runs", "--db", noDatabase);
      Result role = cronloop("runs", "--db", noRole);

      assertThat(database.exit()).isEqualTo(1);
      assertThat(database.line()).startsWith("cronloop runs: database nosuch_it_")
          .contains(" does not exist on " + server + "; create it (createdb nosuch_it_");
      assertThat(role.exit()).isEqualTo(1);
      assertThat(role.line()).isEqualTo("cronloop runs: database " + server + " refused the login"
          + " (FATAL: role \"nosuch_role\" does not exist); check user and password in --db");
    }
  }

  /** IFEXISTS and H2's mixed mode together: the file exists, so runs connects to run's server. */
  @Test
  void runs_reads_the_database_a_running_run_holds() throws Exception {
    String db = "jdbc:h2:file:" + dir.resolve("db/cronloop");

    try (ChildProcess run = ChildProcess.cronloop("run", "--jobs", jobs().toString(),
        "--http", "127.0.0.1:0", "--db", db)) {
      run.awaitOutput("cronloop started", Duration.ofSeconds(60));

      Result runs = cronloop("runs", "--db", db);

      assertThat(runs.exit()).as(runs.lines().toString()).isZero();
      assertThat(runs.lines().get(0)).startsWith("RUN ");
      run.signalTerm();
      assertThat(run.waitFor(EXIT)).isZero();
    }
  }
}
