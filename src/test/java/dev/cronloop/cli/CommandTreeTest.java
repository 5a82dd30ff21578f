package dev.cronloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The tree of the one command a command line names ({@link Main#commandLine(String...)}, what
 * {@code main} runs) prints and exits as the whole tree does: help, usage errors and suggestions.
 */
class CommandTreeTest {
  /** Exit code, stdout and stderr. */
  private record Ran(int code, String out, String err) {}

  private static Ran run(CommandLine cli, String[] args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Ran(code, out.toString(), err.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "run --help", "fire --help", "validate --help", "next --help", "runs --help", "jobs --help",
    "trigger --help", "pause --help", "resume --help", "repair --help", "fire -h --verbose", "next --version",
    "fire", "fire a b", "fire x --jbos dir", "fire x --db nojdbc", "run --htp 127.0.0.1:0",
    "run --http nope", "run --db nojdbc --verbose", "validate --jsn", "validate --jobs",
    "next", "next --count x *", "next --cont 3 *", "runs --limit x", "runs --jb x",
    "jobs --bogus", "trigger", "pause --api", "resume a b", "fire --verbose"
  })
  void the_tree_of_one_command_prints_and_exits_as_the_whole_tree(String line) {
    String[] args = line.split(" ");

    Ran whole = run(Main.commandLine(), args);
    Ran one = run(Main.commandLine(args), args);

    assertThat(one).isEqualTo(whole);
    assertThat(Main.commandLine(args).getSubcommands()).containsOnlyKeys(args[0]);
  }

  @ParameterizedTest
  @ValueSource(strings = {"--help", "--version", "fier x", "--verbose fire x", "bogus"})
  void a_line_that_names_no_command_first_gets_the_whole_tree(String line) {
    assertThat(Main.commandLine(line.split(" ")).getSubcommands()).hasSize(10);
  }
}
