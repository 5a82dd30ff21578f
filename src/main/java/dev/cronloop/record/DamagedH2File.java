package dev.cronloop.record;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.h2.api.ErrorCode;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStoreException;

/**
 * An H2 file that H2 cannot open because its content is damaged, with the one line that names the
 * file and the command that repairs it ({@code cronloop repair}, see {@link H2Rollback}).
 *
 * <p>A process killed ({@code kill -9}, power loss) while H2 writes a new file's first chunks can
 * leave such a file: H2 2.5.252 then fails every open with "Chunk 2 not found" (an open H2 bug,
 * h2database/h2database#4383). H2 reports the damage as an {@link MVStoreException} in the cause
 * chain, with {@link DataUtils#ERROR_CHUNK_NOT_FOUND} (wrapped in H2's general error 50000) or
 * {@link DataUtils#ERROR_FILE_CORRUPT} (wrapped in {@link ErrorCode#FILE_CORRUPTED_1}, 90030, which
 * counts on its own too, for a chain that lacks H2's cause). Those codes are read, not the text.
 *
 * <p><b>Why cronloop does not repair the file on its own.</b> The repair rolls the file back to
 * its newest version that reads completely: every change of the newer versions is dropped with
 * them, also rows of other tables that still read, and only the operator can say whether to roll
 * back or first save rows from the damaged file ({@code org.h2.tools.Recover}). An engine that
 * rolled back on its own at start would drop those rows behind the operator's back, and a
 * read-only command such as {@code cronloop runs} must change no file at all. So opening fails
 * with this line, and the operator runs the command it names once every process using the file
 * has stopped.
 */
public final class DamagedH2File extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  private DamagedH2File(String message, Path file, Throwable cause) {
    super(message, cause);
    this.file = file;
  }

  /** The damaged {@code .mv.db} file, absolute. */
  public Path file() {
    return file;
  }

  /**
   * The damage {@code failure} reports when opening the H2 file of {@code jdbcUrl} failed with it,
   * or empty: for another failure, or a URL that names no H2 file (PostgreSQL, {@code mem:}).
   */
  public static Optional<DamagedH2File> find(String jdbcUrl, Throwable failure) {
    Optional<Path> file = Database.h2File(jdbcUrl);
    if (file.isEmpty()) {
      return Optional.empty();
    }
    return damage(failure).map(what -> new DamagedH2File(line(file.get(), what), file.get(), failure));
  }

  /**
   * What H2 said about the damage: the innermost {@link MVStoreException} with a damage code, else
   * the message of an {@link ErrorCode#FILE_CORRUPTED_1}; empty when the chain shows no damage.
   */
  static Optional<String> damage(Throwable failure) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    String said = null;
    for (Throwable t : chain) {
      if (t instanceof MVStoreException m && (m.getErrorCode() == DataUtils.ERROR_CHUNK_NOT_FOUND
          || m.getErrorCode() == DataUtils.ERROR_FILE_CORRUPT)) {
        said = m.getMessage(); // the innermost wins: H2's own words on the chunk or page
      } else if (said == null && t instanceof SQLException e && e.getErrorCode() == ErrorCode.FILE_CORRUPTED_1) {
        said = e.getMessage();
      }
    }
    return Optional.ofNullable(said).map(s -> s.lines().findFirst().orElse("").strip());
  }

  /** The line: what is wrong, what H2 found, and the command that repairs it (STYLE.md §6). */
  private static String line(Path file, String said) {
    return "database " + file + " is damaged and H2 cannot open it (" + said + "), as a kill or power"
        + " loss while H2 writes can leave it; stop every process that uses it, then run "
        + repairCommand(file) + ": it rolls the file back to its newest version that reads"
        + " completely and keeps the damaged file beside it";
  }

  /** The command that repairs {@code file}: {@code java -jar} with {@link #jar()}. */
  static String repairCommand(Path file) {
    String name = file.getFileName().toString();
    Path base = file.resolveSibling(name.substring(0, name.length() - Database.H2_SUFFIX.length()));
    return "java -jar " + jar() + " repair --db jdbc:h2:file:" + base;
  }

  /**
   * The jar this class was loaded from, absolute, when it is one (the shaded {@code cronloop.jar},
   * which also holds H2's tools), else {@code cronloop.jar}: for a command line to name.
   */
  public static String jar() {
    return ownJar().map(Path::toString).orElse("cronloop.jar");
  }

  private static Optional<Path> ownJar() {
    try {
      var source = DamagedH2File.class.getProtectionDomain().getCodeSource();
      Path path = source == null ? null : Path.of(source.getLocation().toURI()).toAbsolutePath();
      return path != null && path.getFileName().toString().endsWith(".jar") ? Optional.of(path) : Optional.empty();
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
