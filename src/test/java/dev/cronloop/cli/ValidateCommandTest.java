package dev.cronloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ValidateCommandTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cmd = new CommandLine(new ValidateCommand(Map.of("TOKEN", "secret-token")::get));
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    return cmd.execute(args);
  }

  private void write(String name, String text) throws IOException {
    Files.writeString(dir.resolve(name), text);
  }

  private static final String JOB =
      "schedule: \"*/30 * * * * ?\"\nheaders: { Authorization: \"Bearer ${TOKEN}\" }\n"
          + "requests: [https://example.org]\n";

  @Test
  void valid_folder_prints_a_summary_and_exits_0() throws IOException {
    write("a.yaml", JOB);
    write("b.yaml", JOB);
    write("c.yaml", "enabled: false\n" + JOB);

    int code = run("--jobs", dir.toString());

    assertThat(code).isZero();
    assertThat(out.toString())
        .isEqualTo("ok: 3 jobs in " + dir + " (2 enabled)" + System.lineSeparator());
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void one_job_is_counted_in_the_singular() throws IOException {
    write("a.yaml", JOB);

    run("--jobs", dir.toString());

    assertThat(out.toString()).startsWith("ok: 1 job in ");
  }

  @Test
  void problems_print_one_line_each_and_exit_1() throws IOException {
    write("a.yaml", JOB);
    write("orders.yaml", "name: orders\n" + JOB + "timout: 5s\n");

    int code = run("--jobs", dir.toString());

    assertThat(code).isEqualTo(1);
    assertThat(out.toString().lines())
        .containsExactly(
            dir.resolve("orders.yaml")
                + ":5:1: unknown key \"timout\" in job \"orders\"; did you mean \"timeout\"?");
    assertThat(out.toString()).doesNotContain("secret-token");
  }

  @Test
  void json_reports_ok_and_the_job_count() throws IOException {
    write("a.yaml", JOB);

    int code = run("--jobs", dir.toString(), "--json");

    assertThat(code).isZero();
    assertThat(out.toString().strip()).isEqualTo("{\"ok\":true,\"jobs\":1,\"problems\":[]}");
  }

  @Test
  void json_lists_each_problem_with_its_place() throws IOException {
    write("a.yaml", JOB);
    write("b.yaml", "schedule: \"*/30 * * * * ?\"\nrequests: [ftp://example.org]\n");

    int code = run("--json", "--jobs", dir.toString());

    assertThat(code).isEqualTo(1);
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("ok").asBoolean()).isFalse();
    assertThat(json.get("jobs").asInt()).isEqualTo(1);
    JsonNode p = json.get("problems").get(0);
    assertThat(p.get("file").asText()).isEqualTo(dir.resolve("b.yaml").toString());
    assertThat(p.get("line").asInt()).isEqualTo(2);
    assertThat(p.get("column").asInt()).isEqualTo(12);
    assertThat(p.get("message").asText())
        .startsWith("url \"ftp://example.org\" is not an absolute");
    assertThat(p.get("text").asText()).startsWith(dir.resolve("b.yaml") + ":2:12: url \"ftp://example.org\"");
    assertThat(out.toString().lines()).hasSize(1);
  }

  @Test
  void missing_folder_is_a_problem_and_exits_1() {
    int code = run("--jobs", dir.resolve("nope").toString());

    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).contains("nope:0:0: jobs folder does not exist");
  }

  @Test
  void jobs_defaults_to_the_jobs_folder_of_the_working_directory() {
    CommandLine cmd = new CommandLine(new ValidateCommand());

    assertThat(cmd.getCommandSpec().findOption("--jobs").defaultValue()).isEqualTo("./jobs");
  }

  @Test
  void unknown_option_is_a_usage_error_with_exit_2() {
    int code = run("--bogus");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--bogus'");
  }

  @Test
  void help_exits_0() {
    int code = run("--help");

    assertThat(code).isZero();
    assertThat(out.toString()).contains("--jobs=DIR", "--json");
  }
}
