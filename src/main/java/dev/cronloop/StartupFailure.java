package dev.cronloop;

/**
 * A reason the engine or a command cannot start that a person must fix, with the one line that
 * says so and the exit status the command line ends with: {@link #USAGE} (2) when what was typed
 * is wrong, {@link #RUNTIME} (1) when the world is (a database away, a port taken).
 *
 * <p>The command line prints {@link #getMessage()} as it is, on one line, without a stack trace
 * unless {@code --verbose}; it finds this exception anywhere in a cause chain, so code below the
 * command line throws it and lets futures wrap it. Write the message as STYLE.md §6 asks: what is
 * wrong, what was found, how to fix it.
 */
public class StartupFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Exit status for a usage error: an option, file or argument that is wrong as given. */
  public static final int USAGE = 2;

  /** Exit status for a failure at run time. */
  public static final int RUNTIME = 1;

  private final int exitCode;

  public StartupFailure(String message, int exitCode) {
    this(message, exitCode, null);
  }

  public StartupFailure(String message, int exitCode, Throwable cause) {
    super(message, cause);
    if (exitCode != USAGE && exitCode != RUNTIME) {
      throw new IllegalArgumentException("exit code must be 1 or 2, got " + exitCode);
    }
    this.exitCode = exitCode;
  }

  /** The status the process exits with: {@link #USAGE} or {@link #RUNTIME}. */
  public int exitCode() {
    return exitCode;
  }
}
