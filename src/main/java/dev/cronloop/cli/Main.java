package dev.cronloop.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;

/** The {@code cronloop} command: a thin shell over the engine, the loader and the schedules. */
@Command(
    name = "cronloop",
    mixinStandardHelpOptions = true,
    version = "cronloop 0.1.0",
    description = "Scheduled async HTTP jobs: cron schedules, concurrent fetches, recorded outcomes.")
public final class Main implements Runnable {
  /**
   * The commands, in the order help lists them. Added in code rather than in {@code @Command}, so
   * that {@link #commandLine(String...)} can leave out the ones a command line does not name.
   */
  private static final Map<String, Supplier<Object>> COMMANDS = commands();

  private static Map<String, Supplier<Object>> commands() {
    Map<String, Supplier<Object>> c = new LinkedHashMap<>();
    c.put("run", RunCommand::new);
    c.put("fire", FireCommand::new);
    c.put("validate", ValidateCommand::new);
    c.put("next", NextCommand::new);
    c.put("runs", RunsCommand::new);
    c.put("jobs", JobsCommand::new);
    c.put("trigger", JobAction.Trigger::new);
    c.put("pause", JobAction.Pause::new);
    c.put("resume", JobAction.Resume::new);
    c.put("repair", RepairCommand::new);
    return c;
  }

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "When a command fails, print the stack trace after the one-line reason.")
  boolean verbose;

  public static void main(String[] args) {
    // H2's mixed mode (AUTO_SERVER) listens for `cronloop runs` in a second terminal; on loopback
    // only, so the process listens on no address but loopback besides the API's own. Set before
    // H2 loads; an explicit -Dh2.bindAddress wins.
    if (System.getProperty("h2.bindAddress") == null) {
      System.setProperty("h2.bindAddress", "127.0.0.1");
    }
    Integer plain = PlainArgs.run(args); // next, validate and fire with plain arguments, without picocli
    System.exit(plain != null ? plain : commandLine(args).execute(args));
  }

  /**
   * The command tree. A failure prints one line on stderr and exits 2 for a usage error, 1 at run
   * time (DESIGN.md, "Command line"); see {@link FailureLine}.
   */
  public static CommandLine commandLine() {
    return tree(COMMANDS.keySet());
  }

  /**
   * The command tree for {@code args}: when they start with a command's name, with that command
   * alone. It parses, prints and fails as the whole tree does, as the parent's part in a
   * subcommand's parse is its name and its inherited {@code --verbose}; and picocli, which builds
   * every command of a tree by reflection before it reads a word, then builds one command instead
   * of nine (a tenth of a second of a one-off {@code cronloop fire}).
   */
  public static CommandLine commandLine(String... args) {
    return args.length > 0 && COMMANDS.containsKey(args[0]) ? tree(Set.of(args[0])) : commandLine();
  }

  private static CommandLine tree(Set<String> names) {
    CommandLine cli = new CommandLine(new Main());
    COMMANDS.forEach((name, command) -> {
      if (names.contains(name)) {
        cli.addSubcommand(name, command.get());
      }
    });
    cli.setParameterExceptionHandler(Main::usageError);
    cli.setExecutionExceptionHandler(Main::failed);
    CommandLine next = cli.getSubcommands().get("next");
    if (next != null) { // an expression such as "-1 * * * *" is a bad minute field, never an option
      next.setUnmatchedOptionsArePositionalParams(true);
    }
    return cli;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        new CommandLine(this), "name a command: run, fire, validate, next, runs, jobs, trigger, pause, resume or repair;"
            + " see cronloop --help");
  }

  /** A usage error: one line with the message, picocli's suggestions and where help is. */
  private static int usageError(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    List<String> suggestions = e instanceof UnmatchedArgumentException u ? u.getSuggestions() : List.of();
    PrintWriter err = cmd.getErr();
    err.println(UsageError.line(cmd.getCommandSpec().qualifiedName(), e.getMessage(), suggestions));
    err.flush();
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** Any other failure of a command: one line from {@link FailureLine}, the trace on --verbose. */
  private static int failed(Exception e, CommandLine cmd, ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    int code = failed(e, cmd.getCommandSpec().qualifiedName(), optionValue(cmd, "--db"), optionValue(cmd, "--http"), err);
    if (verbose(parsed)) {
      e.printStackTrace(err);
      err.flush();
    }
    return code;
  }

  /**
   * Prints the line of {@code e}, a failure of {@code command} run with these {@code --db} and
   * {@code --http} values (null when it has none), on {@code err}; the exit code.
   */
  static int failed(Exception e, String command, String db, String http, PrintWriter err) {
    FailureLine line = FailureLine.of(e, db, http);
    err.println(command + ": " + line.text());
    err.flush();
    return line.exitCode();
  }

  private static boolean verbose(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** The value (given or default) of a command's option, or null when it has no such option. */
  private static String optionValue(CommandLine cmd, String name) {
    OptionSpec option = cmd.getCommandSpec().findOption(name);
    Object value = option == null ? null : option.getValue();
    return value == null ? null : value.toString();
  }
}
