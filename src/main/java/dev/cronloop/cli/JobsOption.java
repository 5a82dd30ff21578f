package dev.cronloop.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --jobs} option shared by the commands that read job files. */
final class JobsOption {
  @Option(
      names = "--jobs",
      paramLabel = "DIR",
      defaultValue = "./jobs",
      description = "Folder of job files (default: ${DEFAULT-VALUE}).")
  Path dir = Path.of("./jobs"); // picocli's default, for a command run without it (PlainArgs)
}
