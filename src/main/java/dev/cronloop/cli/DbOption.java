package dev.cronloop.cli;

import dev.cronloop.record.Database;
import picocli.CommandLine.Option;

/** The {@code --db} option shared by the commands that touch the database. */
final class DbOption {
  @Option(
      names = "--db",
      paramLabel = "JDBC_URL",
      defaultValue = Database.DEFAULT_URL,
      description = "Outcome database (default: ${DEFAULT-VALUE}).")
  String url;
}
