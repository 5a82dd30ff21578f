package dev.cronloop.cli;

import java.util.List;

/**
 * A usage error that a command's own code finds (exit 2, DESIGN.md "Command line"), such as a job
 * id that no file defines. Through picocli it becomes a {@code ParameterException} and {@link
 * Main}'s handler prints it; without picocli ({@link PlainArgs}) the command prints {@link #line}
 * itself: the same line either way.
 */
final class UsageError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The exit code of a usage error, picocli's {@code exitCodeOnInvalidInput}. */
  static final int EXIT = 2;

  UsageError(String message) {
    super(message);
  }

  /**
   * The line printed for a usage error of {@code command} (e.g. {@code cronloop fire}): the
   * message on one line, picocli's suggestions, and where help is unless the message names its
   * own fix after a {@code ;}.
   */
  static String line(String command, String message, List<String> suggestions) {
    String text = message.replaceAll("\\s*\\R\\s*", " ").strip();
    StringBuilder line = new StringBuilder(text);
    if (!suggestions.isEmpty()) {
      line.append("; did you mean ").append(String.join(" or ", suggestions)).append('?');
    }
    if (!text.contains("; ")) { // picocli's own messages; cronloop's name their fix after a ';'
      line.append(" (see ").append(command).append(" --help)");
    }
    return command + ": " + line;
  }
}
