package dev.cronloop.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cronloop} command: a thin shell over the engine, the loader and the schedules. */
@Command(
    name = "cronloop",
    mixinStandardHelpOptions = true,
    version = "cronloop 0.1.0",
    description = "Scheduled async HTTP jobs: cron schedules, concurrent fetches, recorded outcomes.",
    subcommands = {
      RunCommand.class,
      FireCommand.class,
      ValidateCommand.class,
      NextCommand.class,
      RunsCommand.class
    })
public final class Main implements Runnable {

  public static void main(String[] args) {
    // H2's mixed mode (AUTO_SERVER) listens for `cronloop runs` in a second terminal; on loopback
    // only, so the process listens on no address but loopback besides the API's own. Set before
    // H2 loads; an explicit -Dh2.bindAddress wins.
    if (System.getProperty("h2.bindAddress") == null) {
      System.setProperty("h2.bindAddress", "127.0.0.1");
    }
    System.exit(commandLine().execute(args));
  }

  /** The command tree; picocli exits 2 on usage errors, as DESIGN.md fixes. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main());
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        new CommandLine(this), "name a command: run, fire, validate, next or runs (see --help)");
  }
}
