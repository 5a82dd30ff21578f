package dev.cronloop.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * The bearer token of the HTTP API, from {@code --token-file FILE} or the environment variable
 * {@code CRONLOOP_TOKEN}: {@code run} guards its API with it, {@code trigger}, {@code pause},
 * {@code resume} and {@code jobs --api} send it. Never from the command line, where other users
 * of the machine would see it in the process list.
 */
final class TokenFile {
  static final String ENV = "CRONLOOP_TOKEN";

  private TokenFile() {}

  /**
   * The token, or null when neither is given; both at once, or a file that cannot be read, is a
   * usage error on {@code cmd}. The file's content is stripped of surrounding white space.
   */
  static String read(Path file, String fromEnv, CommandLine cmd) {
    boolean env = fromEnv != null && !fromEnv.isBlank();
    if (file != null && env) {
      throw new CommandLine.ParameterException(
          cmd, "both --token-file and " + ENV + " are set; use one of them");
    }
    if (env) {
      return fromEnv;
    }
    if (file == null) {
      return null;
    }
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      String why = e instanceof NoSuchFileException ? "no such file"
          : e instanceof AccessDeniedException ? "permission denied"
          : String.valueOf(e.getMessage());
      throw new CommandLine.ParameterException(cmd, "cannot read --token-file "
          + file + " (" + why + "); check the path and its permissions");
    }
  }
}
