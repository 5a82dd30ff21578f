package dev.cronloop.cli;

import dev.cronloop.record.Database;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The {@code --db} option shared by the commands that touch the database. */
final class DbOption {
  @Option(
      names = "--db",
      paramLabel = "JDBC_URL",
      defaultValue = Database.DEFAULT_URL,
      description = "Outcome database (default: ${DEFAULT-VALUE}).")
  String url = Database.DEFAULT_URL; // picocli's default, for a command run without it (PlainArgs)

  /** The URL; one that does not start with {@code jdbc:} is a usage error naming the forms. */
  String url(CommandSpec spec) {
    try {
      return jdbcUrl();
    } catch (UsageError e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** {@link #url(CommandSpec)} without picocli: a {@link UsageError} for a URL that is not JDBC's. */
  String jdbcUrl() {
    if (!url.startsWith("jdbc:")) {
      throw new UsageError("--db " + url + " is not a JDBC URL;"
          + " write jdbc:h2:file:PATH or jdbc:postgresql://HOST:PORT/DATABASE");
    }
    return url;
  }
}
