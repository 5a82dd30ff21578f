package dev.cronloop.cli;

import dev.cronloop.StartupFailure;
import dev.cronloop.record.DamagedH2File;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a command prints when it fails: one line naming the cause and the fix, and the exit status
 * (DESIGN.md, "Command line": 2 for a usage error, 1 at run time). Pure: it reads an exception's
 * cause chain and the {@code --db} and {@code --http} values the command ran with.
 *
 * <p>The first cause recognised wins, in this order: a {@link StartupFailure} (its message as
 * written), a damaged H2 file ({@link DamagedH2File}, its message as written), a JDBC URL no
 * driver reads, refused credentials, a database that does not exist, a database that cannot be
 * reached, a port that cannot be bound, a file that cannot be read. Else the innermost message,
 * with a pointer to {@code --verbose}.
 *
 * @param text the line, without the command's name and without a line break
 * @param exitCode {@link StartupFailure#USAGE} or {@link StartupFailure#RUNTIME}
 */
record FailureLine(String text, int exitCode) {

  /** H2's "database not found" when the URL says {@code IFEXISTS=TRUE}. */
  static final int H2_NOT_FOUND_IF_EXISTS = 90146;

  /** H2's "database not found" without {@code IFEXISTS}. */
  static final int H2_NOT_FOUND = 90013;

  /** H2's "wrong user name or password". */
  static final int H2_WRONG_USER_OR_PASSWORD = 28000;

  private static final Pattern PG_DATABASE = Pattern.compile("database \"([^\"]*)\" does not exist");

  FailureLine {
    text = text.replaceAll("\\s*\\R\\s*", " ").strip();
  }

  /**
   * The line for {@code failure}.
   *
   * @param jdbcUrl the {@code --db} value, or null when the command has none
   * @param http the {@code --http} value, or null when the command has none
   */
  static FailureLine of(Throwable failure, String jdbcUrl, String http) {
    List<Throwable> chain = chain(failure);
    List<Function<Throwable, Optional<FailureLine>>> rules = List.of(
        FailureLine::startupFailure,
        FailureLine::damagedFile,
        t -> noDriver(t, jdbcUrl),
        t -> credentials(t, jdbcUrl),
        t -> missingDatabase(t, jdbcUrl),
        t -> unreachable(t, jdbcUrl),
        t -> connectionFailed(t, jdbcUrl),
        t -> bind(t, http),
        FailureLine::file);
    for (Function<Throwable, Optional<FailureLine>> rule : rules) {
      for (Throwable t : chain) {
        Optional<FailureLine> line = rule.apply(t);
        if (line.isPresent()) {
          return line.get();
        }
      }
    }
    Throwable root = chain.get(chain.size() - 1);
    Throwable shown = chain.stream().filter(t -> !isWrapper(t) && t.getMessage() != null)
        .reduce((outer, inner) -> inner).orElse(root);
    String message = shown.getMessage() == null ? "" : shown.getMessage() + " ";
    return new FailureLine(message + "(" + shown.getClass().getName()
        + "); --verbose shows the stack trace", StartupFailure.RUNTIME);
  }

  private static Optional<FailureLine> startupFailure(Throwable t) {
    return t instanceof StartupFailure f
        ? Optional.of(new FailureLine(f.getMessage(), f.exitCode()))
        : Optional.empty();
  }

  /** An H2 file H2 cannot open: its own line names the file and the repair ({@code runs}, {@code jobs}). */
  private static Optional<FailureLine> damagedFile(Throwable t) {
    return t instanceof DamagedH2File d
        ? Optional.of(new FailureLine(d.getMessage(), StartupFailure.RUNTIME))
        : Optional.empty();
  }

  private static Optional<FailureLine> noDriver(Throwable t, String url) {
    String m = String.valueOf(t.getMessage());
    if (!(t instanceof SQLException) || !m.startsWith("No suitable driver")) {
      return Optional.empty();
    }
    return Optional.of(new FailureLine("--db " + redacted(url) + ": no JDBC driver reads this URL;"
        + " write jdbc:h2:file:PATH or jdbc:postgresql://HOST:PORT/DATABASE", StartupFailure.USAGE));
  }

  private static Optional<FailureLine> credentials(Throwable t, String url) {
    if (!(t instanceof SQLException e)) {
      return Optional.empty();
    }
    boolean h2 = url != null && url.startsWith("jdbc:h2:");
    boolean refused = h2 ? e.getErrorCode() == H2_WRONG_USER_OR_PASSWORD
        : e.getSQLState() != null && e.getSQLState().startsWith("28");
    if (!refused) {
      return Optional.empty();
    }
    return Optional.of(new FailureLine("database " + where(url) + " refused the login ("
        + firstLine(e.getMessage()) + "); check user and password in --db",
        StartupFailure.RUNTIME));
  }

  private static Optional<FailureLine> missingDatabase(Throwable t, String url) {
    if (!(t instanceof SQLException e)) {
      return Optional.empty();
    }
    boolean h2 = url != null && url.startsWith("jdbc:h2:");
    if (h2 && (e.getErrorCode() == H2_NOT_FOUND_IF_EXISTS || e.getErrorCode() == H2_NOT_FOUND)) {
      return Optional.of(new FailureLine("database " + h2File(url) + " does not exist; check --db,"
          + " or start cronloop run once to create it", StartupFailure.RUNTIME));
    }
    if (!h2 && "3D000".equals(e.getSQLState())) {
      Matcher name = PG_DATABASE.matcher(String.valueOf(e.getMessage()));
      String database = name.find() ? name.group(1) : "named in --db";
      return Optional.of(new FailureLine("database " + database + " does not exist on "
          + where(url) + "; create it (createdb " + database + ") or fix --db",
          StartupFailure.RUNTIME));
    }
    return Optional.empty();
  }

  private static Optional<FailureLine> unreachable(Throwable t, String url) {
    String fix = "; start it, or fix the host and port in --db";
    if (t instanceof UnknownHostException) {
      return Optional.of(new FailureLine("cannot reach database " + where(url) + ": unknown host "
          + t.getMessage() + "; fix the host name in --db", StartupFailure.RUNTIME));
    }
    if (t instanceof ConnectException) {
      return Optional.of(new FailureLine("cannot reach database " + where(url) + ": connection"
          + " refused" + fix, StartupFailure.RUNTIME));
    }
    if (t instanceof SocketTimeoutException) {
      return Optional.of(new FailureLine("cannot reach database " + where(url) + ": no answer in"
          + " time (" + t.getMessage() + ")" + fix, StartupFailure.RUNTIME));
    }
    return Optional.empty();
  }

  /** SQLState class 08, connection exception, when no socket error below says more. */
  private static Optional<FailureLine> connectionFailed(Throwable t, String url) {
    if (t instanceof SQLException e && e.getSQLState() != null && e.getSQLState().startsWith("08")) {
      return Optional.of(new FailureLine("cannot reach database " + where(url) + ": "
          + firstLine(e.getMessage()) + "; start it, or fix the host and port in --db",
          StartupFailure.RUNTIME));
    }
    return Optional.empty();
  }

  /**
   * A port that cannot be bound. Netty's native transport reports it as its own IOException with
   * the system's text, not as a {@link BindException}, so the text counts too.
   */
  private static Optional<FailureLine> bind(Throwable t, String http) {
    String m = String.valueOf(t.getMessage());
    boolean inUse = m.contains("Address already in use");
    if (!(t instanceof BindException) && !inUse && !m.startsWith("bind(")) {
      return Optional.empty();
    }
    String address = http == null ? "the address" : http;
    if (inUse) {
      return Optional.of(new FailureLine("cannot listen on " + address + ": the port is in use;"
          + " stop the other process or pass --http 127.0.0.1:0 for any free port",
          StartupFailure.RUNTIME));
    }
    return Optional.of(new FailureLine("cannot listen on " + address + " (" + firstLine(m)
        + "); pass --http with an address of this machine and a free port",
        StartupFailure.RUNTIME));
  }

  private static Optional<FailureLine> file(Throwable t) {
    if (!(t instanceof FileSystemException e)) {
      return Optional.empty();
    }
    String what = t instanceof NoSuchFileException ? "does not exist"
        : t instanceof AccessDeniedException ? "may not be read by this user"
        : "cannot be read (" + e.getReason() + ")";
    return Optional.of(new FailureLine(e.getFile() + " " + what + "; check the path and its"
        + " permissions", StartupFailure.RUNTIME));
  }

  /** The chain from {@code failure} to its root cause, each throwable once. */
  private static List<Throwable> chain(Throwable failure) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  private static boolean isWrapper(Throwable t) {
    return t instanceof ExecutionException || t instanceof CompletionException
        || t instanceof java.lang.reflect.InvocationTargetException
        || t instanceof java.lang.reflect.UndeclaredThrowableException;
  }

  /** {@code HOST:PORT} of a PostgreSQL URL, the file of an H2 URL, else the URL (redacted). */
  static String where(String url) {
    if (url == null) {
      return "(no --db)";
    }
    String pg = "jdbc:postgresql:";
    if (url.startsWith(pg)) {
      String rest = url.substring(pg.length());
      if (!rest.startsWith("//")) {
        return "localhost:5432";
      }
      String hosts = rest.substring(2).split("[/?]", 2)[0];
      return hosts.contains(":") || hosts.isEmpty() ? hosts : hosts + ":5432";
    }
    if (url.startsWith("jdbc:h2:file:")) {
      return h2File(url).toString();
    }
    return redacted(url);
  }

  /** The {@code .mv.db} file an H2 URL names. */
  static Path h2File(String url) {
    String path = url.substring("jdbc:h2:".length()).split(";", 2)[0];
    if (path.startsWith("file:")) {
      path = path.substring("file:".length());
    }
    if (path.startsWith("~")) {
      path = System.getProperty("user.home") + path.substring(1);
    }
    return Path.of(path + ".mv.db").toAbsolutePath().normalize();
  }

  private static String redacted(String url) {
    return url == null ? "(none)" : dev.cronloop.record.Database.redact(url);
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("").strip();
  }
}
