package dev.cronloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The token rules of {@code cronloop run} that stop it before it starts (exit status 2). */
class RunCommandTokenTest {
  @TempDir Path dir;
  private final StringWriter err = new StringWriter();

  private int run(Map<String, String> env, String... args) {
    CommandLine cmd = new CommandLine(new RunCommand(env::get));
    cmd.setOut(new PrintWriter(new StringWriter()));
    cmd.setErr(new PrintWriter(err));
    return cmd.execute(args);
  }

  @Test
  void bad_durations_and_buffer_exit_2_naming_the_flag() {
    assertThat(run(Map.of(), "--jobs", dir.toString(), "--retention", "30")).isEqualTo(2);
    assertThat(run(Map.of(), "--jobs", dir.toString(), "--grace", "-1s")).isEqualTo(2);
    assertThat(run(Map.of(), "--jobs", dir.toString(), "--checkin", "5x")).isEqualTo(2);
    assertThat(run(Map.of(), "--jobs", dir.toString(), "--buffer", "3")).isEqualTo(2);
    assertThat(run(Map.of(), "--jobs", dir.toString(), "--spill-after", "soon")).isEqualTo(2);

    assertThat(err.toString())
        .contains("--retention needs a unit (found \"30\")")
        .contains("--buffer must be at least 16 outcomes (found 3)")
        .contains("--spill-after must be a duration")
        .contains("--grace must not be negative (found \"-1s\")")
        .contains("--checkin must be a duration like 500ms, 5s, 1m30s or 2h (found \"5x\")");
  }

  @Test
  void listening_beyond_loopback_without_a_token_exits_2_naming_the_flag_and_the_variable() {
    int code = run(Map.of(), "--jobs", dir.toString(), "--http", "0.0.0.0:0");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--token-file").contains("CRONLOOP_TOKEN").contains("0.0.0.0");
  }

  @Test
  void a_token_file_and_the_variable_at_once_exit_2() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "file-token-0123456789abcdef\n");

    int code = run(Map.of("CRONLOOP_TOKEN", "env-token-0123456789abcdef"),
        "--jobs", dir.toString(), "--token-file", file.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("use one of them").doesNotContain("0123456789abcdef");
  }

  @Test
  void a_short_token_exits_2_and_says_how_to_make_a_good_one() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "short\n");

    int code = run(Map.of(), "--jobs", dir.toString(), "--token-file", file.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("at least 16 characters").contains("openssl rand -hex 32").doesNotContain("short\n");
  }

  @Test
  void a_missing_token_file_exits_2_naming_it() {
    int code = run(Map.of(), "--jobs", dir.toString(), "--token-file", dir.resolve("nope").toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("cannot read --token-file").contains("nope");
  }
}
