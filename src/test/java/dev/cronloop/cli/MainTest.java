package dev.cronloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Issue 14, item 7: how the command tree reports failures: one line, exit 2 or 1, --verbose. */
class MainTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void a_usage_error_is_one_line_that_says_where_help_is() {
    int code = run("runs", "--limt", "5");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines()).singleElement().asString()
        .startsWith("cronloop runs: Unknown options: '--limt', '5'")
        .contains("did you mean --limit?")
        .endsWith("(see cronloop runs --help)");
  }

  @Test
  void a_usage_error_that_names_its_fix_is_printed_as_it_is() {
    int code = run("runs", "--limit", "0");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines()).containsExactly("cronloop runs: --limit must be 1-10000; got 0");
  }

  @Test
  void a_runtime_failure_is_one_line_and_exit_1() {
    int code = run("runs", "--db", "jdbc:h2:file:" + dir.resolve("nosuch"));

    assertThat(code).isEqualTo(1);
    assertThat(err.toString().lines()).containsExactly("cronloop runs: database "
        + dir.resolve("nosuch.mv.db") + " does not exist; check --db, or start cronloop run once to"
        + " create it");
  }

  @Test
  void verbose_adds_the_stack_trace_after_the_line() {
    int code = run("runs", "--db", "jdbc:nosuch:x", "--verbose");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines().findFirst()).hasValueSatisfying(first ->
        assertThat(first).startsWith("cronloop runs: --db jdbc:nosuch:x: no JDBC driver"));
    assertThat(err.toString()).contains("Caused by: java.sql.SQLException: No suitable driver")
        .contains("\tat ");
  }

  @Test
  void verbose_may_come_before_the_command() {
    run("--verbose", "runs", "--db", "jdbc:nosuch:x");

    assertThat(err.toString().lines().count()).isGreaterThan(5);
  }

  @Test
  void fire_of_an_unknown_job_names_the_known_ones_and_opens_no_database() throws Exception {
    Path jobs = Files.createDirectories(dir.resolve("jobs"));
    Files.writeString(jobs.resolve("api-health.yaml"), "schedule: \"@daily\"\nrequests: [http://127.0.0.1:9/]\n");

    int code = run("fire", "api-helth", "--jobs", jobs.toString(), "--db",
        "jdbc:h2:file:" + dir.resolve("db/cronloop"));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines()).containsExactly("cronloop fire: no job \"api-helth\" in "
        + jobs + "; known jobs: [api-health]");
    assertThat(dir.resolve("db")).doesNotExist();
  }

  @Test
  void a_job_file_named_after_the_job_or_naming_it_may_define_it() throws Exception {
    Files.writeString(dir.resolve("a.yaml"), "name: orders\nschedule: \"@daily\"\n");
    Files.writeString(dir.resolve("b.json"), "{\"name\": \"billing\", \"schedule\": \"@daily\"}");
    Files.writeString(dir.resolve("health.yml"), "schedule: \"@daily\"\n");

    assertThat(FireCommand.mayDefine(dir, "orders")).isTrue();
    assertThat(FireCommand.mayDefine(dir, "billing")).isTrue();
    assertThat(FireCommand.mayDefine(dir, "health")).isTrue();
    assertThat(FireCommand.mayDefine(dir, "order")).isFalse();
    assertThat(FireCommand.mayDefine(dir, "orders-2")).isFalse();
    assertThat(FireCommand.mayDefine(dir, "a")).isTrue();
  }

  @Test
  void a_db_that_is_no_jdbc_url_and_a_bad_http_are_usage_errors_of_run() {
    int db = run("run", "--jobs", dir.toString(), "--db", "db/cronloop");
    int http = run("run", "--jobs", dir.toString(), "--http", "8080");

    assertThat(db).isEqualTo(2);
    assertThat(http).isEqualTo(2);
    assertThat(err.toString().lines()).containsExactly(
        "cronloop run: --db db/cronloop is not a JDBC URL; write jdbc:h2:file:PATH or"
            + " jdbc:postgresql://HOST:PORT/DATABASE",
        "cronloop run: --http must be HOST:PORT, e.g. 127.0.0.1:8080; got 8080");
  }
}
