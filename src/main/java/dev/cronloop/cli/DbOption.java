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
  String url;

  /** The URL; one that does not start with {@code jdbc:} is a usage error naming the forms. */
  String url(CommandSpec spec) {
    if (!url.startsWith("jdbc:")) {
      throw new ParameterException(spec.commandLine(), "--db " + url + " is not a JDBC URL;"
          + " write jdbc:h2:file:PATH or jdbc:postgresql://HOST:PORT/DATABASE");
    }
    return url;
  }
}
