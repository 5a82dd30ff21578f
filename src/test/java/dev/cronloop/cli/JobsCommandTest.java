package dev.cronloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.testkit.JobFiles;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code cronloop jobs} without an engine: the folder alone before any database exists, and its
 * usage errors. (With a database and an engine: {@link CliAgainstEngineTest}.)
 */
class JobsCommandTest {
  static final Clock NOW = Clock.fixed(Instant.parse("2026-12-06T10:29:59.500Z"), ZoneOffset.UTC);

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cmd = new CommandLine(new JobsCommand(name -> null, NOW));
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    return cmd.execute(args);
  }

  @Test
  void before_any_database_exists_the_folder_is_listed_with_next_fires_and_stderr_says_why_no_runs() throws Exception {
    Path jobs = dir.resolve("jobs");
    JobFiles.write(jobs, "half-hour.yaml", "schedule: \"*/30 * * * *\"\nrequests: [http://127.0.0.1:9/]\n");
    JobFiles.write(jobs, "off.yaml", "schedule: \"@daily\"\nenabled: false\nrequests: [http://127.0.0.1:9/]\n");

    int code = run("--jobs", jobs.toString(), "--db", "jdbc:h2:file:" + dir.resolve("db/cronloop"), "--json");

    assertThat(code).isZero();
    JsonObject answer = new JsonObject(out.toString());
    JsonObject halfHour = answer.getJsonArray("jobs").getJsonObject(0);
    assertThat(halfHour.getMap()).containsEntry("id", "half-hour").containsEntry("state", "scheduled")
        .containsEntry("paused", false).containsEntry("lastRun", null);
    assertThat(halfHour.getJsonArray("nextFires")).containsExactly("2026-12-06T10:30:00.000Z");
    JsonObject off = answer.getJsonArray("jobs").getJsonObject(1);
    assertThat(off.getString("state")).isEqualTo("disabled");
    assertThat(off.getJsonArray("nextFires")).isEmpty();
    assertThat(err.toString()).contains("no database at").contains("cronloop run creates it");
  }

  @Test
  void a_missing_jobs_folder_exits_2_and_names_both_ways_out() {
    int code = run("--jobs", dir.resolve("nope").toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("jobs folder").contains("--jobs DIR").contains("--api URL");
  }

  @Test
  void health_prints_a_word_or_a_state_with_its_instant_and_a_dash_when_unknown() {
    assertThat(JobText.health(null)).isEqualTo("-");
    assertThat(JobText.health("ok")).isEqualTo("ok");
    assertThat(JobText.health(new JsonObject().put("state", "failing").put("since", "2026-12-06T10:00:00.000Z")))
        .isEqualTo("failing since 2026-12-06T10:00:00.000Z");
  }
}
