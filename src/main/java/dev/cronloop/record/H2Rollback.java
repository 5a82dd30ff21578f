package dev.cronloop.record;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreTool;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls a damaged H2 file back to its newest version that reads completely, and keeps the damaged
 * file beside it: what {@code cronloop repair} does for the damage {@link DamagedH2File} reports.
 *
 * <p>An MVStore file is a series of chunks, one per stored version, and older chunks stay in the
 * file until their space is reused. H2's {@code MVStoreTool.rollback} copies the chunks up to a
 * version into {@code FILE.temp}. From the newest version down, each such copy is read page by page
 * (every map, from its root to every leaf) and then opened as a database; the first copy that
 * passes both becomes the file, and the damaged file is renamed {@code FILE.damaged-TIME} (UTC).
 * Nothing is lost that way: what only the dropped versions held can still be read from the kept
 * file with {@code org.h2.tools.Recover}.
 *
 * <p>Why not H2's own ways, as tried with H2 2.5.252 on a file whose newest version had lost a
 * chunk ("Chunk 9 not found", as h2database/h2database#4383 leaves a new file): {@code
 * MVStoreTool -repair} checks a version by reading its chunk list in recovery mode, where a page
 * that cannot be read counts as an empty one, so it declared the newest version good and the
 * "repaired" file failed to open as before. Opening with {@code ;RECOVER=1} failed with the same
 * error. {@code org.h2.tools.Recover} writes what it can read as a SQL script: a way to save rows,
 * not a file that opens. H2's own compaction would read every page too, but it leaves a thread
 * running when a page fails.
 *
 * <p>Runs on: the caller's thread (blocking file I/O). No process may use the file meanwhile: a
 * file another process holds open is left alone ({@link InUse}).
 */
public final class H2Rollback {
  private static final Logger log = LoggerFactory.getLogger(H2Rollback.class);

  /** The suffix of the damaged file kept beside the repaired one, before its UTC time. */
  private static final String DAMAGED = ".damaged-";

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private H2Rollback() {}

  /** What {@link #repair} found and did. */
  public sealed interface Result permits Intact, RolledBack, Unrecoverable, InUse {
    /** The {@code .mv.db} file, absolute. */
    Path file();
  }

  /** The file reads completely as it is: it was left alone. */
  public record Intact(Path file) implements Result {}

  /**
   * The file now holds version {@code to}; the {@code dropped} newer versions up to {@code from},
   * which did not read completely, are only in the damaged file, kept as {@code damaged}.
   */
  public record RolledBack(Path file, long from, long to, int dropped, Path damaged) implements Result {}

  /** No version of the file reads completely (its newest is {@code newest}): it was left alone. */
  public record Unrecoverable(Path file, long newest) implements Result {}

  /** Another process holds the file open: it was left alone. */
  public record InUse(Path file) implements Result {}

  /**
   * Rolls {@code file}, an H2 {@code .mv.db} file, back to its newest version that reads
   * completely, unless it reads completely as it is; {@code now} names the damaged file kept.
   * Each candidate is opened as cronloop opens its H2 file: without a user name or password.
   *
   * @throws NoSuchFileException when there is no such file
   */
  public static Result repair(Path file, Instant now) throws IOException {
    Path abs = file.toAbsolutePath().normalize();
    if (!Files.isRegularFile(abs)) {
      throw new NoSuchFileException(abs.toString());
    }
    if (heldElsewhere(abs)) {
      return new InUse(abs);
    }
    if (problem(abs, false).isEmpty()) {
      return new Intact(abs);
    }
    Path temp = Path.of(abs + ".temp"); // where MVStoreTool.rollback writes its copy
    Path candidate = sibling(abs, ".repaired");
    try {
      long newest = -1;
      int dropped = 0;
      long target = Long.MAX_VALUE;
      while (true) {
        long version = copyUpTo(abs, target);
        if (version < 0) {
          return new Unrecoverable(abs, newest);
        }
        newest = newest < 0 ? version : newest;
        Files.move(temp, candidate, StandardCopyOption.REPLACE_EXISTING);
        Optional<String> problem = problem(candidate, true);
        if (problem.isEmpty()) {
          return new RolledBack(abs, newest, version, dropped, swap(abs, candidate, now));
        }
        log.info("version {} of {} does not read completely: {}", version, abs, problem.get());
        dropped++;
        target = version - 1;
      }
    } finally {
      Files.deleteIfExists(temp);
      for (String suffix : new String[] {Database.H2_SUFFIX, ".trace.db", ".lock.db"}) {
        Files.deleteIfExists(candidate.resolveSibling(base(candidate) + suffix));
      }
    }
  }

  /**
   * True when another process holds {@code file} open: H2 locks the file it opens, so the lock
   * cannot be had. Taken and given back at once; the work after it is done by one command that an
   * operator runs with every cronloop process stopped.
   */
  private static boolean heldElsewhere(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock()) {
      return lock == null;
    } catch (OverlappingFileLockException e) {
      return true; // held by this process, by a database it has open
    }
  }

  /**
   * Copies the chunks of {@code file} up to version {@code target} into {@code FILE.temp}; the
   * newest version copied, or -1 when no chunk is that old.
   */
  private static long copyUpTo(Path file, long target) {
    try {
      return MVStoreTool.rollback(file.toString(), target, new PrintWriter(Writer.nullWriter()));
    } catch (NullPointerException e) {
      return -1; // H2 2.5.252's rollback fails so, after writing an empty copy, when no chunk is that old
    }
  }

  /**
   * Why {@code mvDb} does not read completely, or empty when it does: every page of every map
   * read, then the file opened as a database ({@code write}: as the engine opens it, which also
   * leaves it closed cleanly; else read-only, changing nothing). A failure that is not damage (a
   * user name or password the file wants, the file in use) is thrown: it says nothing of the
   * version, and an older one must not take the place of a file that may be whole.
   */
  private static Optional<String> problem(Path mvDb, boolean write) {
    try {
      readEveryPage(mvDb);
    } catch (RuntimeException e) { // H2's MVStoreException, and what garbage in a page throws
      return Optional.of(String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
    String url = "jdbc:h2:file:" + mvDb.resolveSibling(base(mvDb)) + ";IFEXISTS=TRUE;TRACE_LEVEL_FILE=0"
        + (write ? "" : ";ACCESS_MODE_DATA=r");
    try (Connection c = DriverManager.getConnection(url, "", "");
        Statement s = c.createStatement();
        ResultSet tables = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES")) {
      tables.next();
      return Optional.empty();
    } catch (RuntimeException | SQLException e) {
      Optional<String> damage = DamagedH2File.damage(e);
      if (damage.isPresent()) {
        return damage;
      }
      throw new IllegalStateException("cannot open " + mvDb + " to check it (" + firstLine(e)
          + "); nothing was changed: repair opens the file as cronloop does, with no user name or password,"
          + " and only while no other process uses it", e);
    }
  }

  private static String firstLine(Throwable e) {
    return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
  }

  /** Reads every page of {@code file}'s layout, meta and other maps; throws what H2 throws on one it cannot read. */
  private static void readEveryPage(Path file) {
    try (MVStore store = new MVStore.Builder().fileName(file.toString()).readOnly().open()) {
      store.getLayoutMap(); // a copy, made by reading every entry
      readAll(store.getMetaMap());
      MVMap.Builder<byte[], byte[]> raw = new MVMap.Builder<byte[], byte[]>().keyType(RawBytes.READER)
          .valueType(RawBytes.READER);
      for (String name : store.getMapNames()) {
        readAll(store.openMap(name, raw));
      }
    }
  }

  private static void readAll(MVMap<?, ?> map) {
    for (Cursor<?, ?> c = map.cursor(null); c.hasNext(); ) {
      c.next();
    }
  }

  /**
   * Moves the damaged {@code file} aside and {@code repaired} in its place; the damaged file's new
   * name. Neither move replaces a file that is there (no {@code ATOMIC_MOVE}, which on Linux is a
   * rename that would): a damaged copy kept by an earlier repair in the same second, or a file a
   * starting process made meanwhile, makes the repair fail instead.
   */
  private static Path swap(Path file, Path repaired, Instant now) throws IOException {
    Path damaged = Path.of(file + DAMAGED + STAMP.format(now));
    Files.move(file, damaged);
    try {
      Files.move(repaired, file);
    } catch (IOException e) {
      Files.move(damaged, file);
      throw e;
    }
    return damaged;
  }

  /** {@code db/cronloop.mv.db} → {@code cronloop}. */
  private static String base(Path mvDb) {
    String name = mvDb.getFileName().toString();
    return name.substring(0, name.length() - Database.H2_SUFFIX.length());
  }

  /** {@code db/cronloop.mv.db} with {@code infix} {@code .repaired} → {@code db/cronloop.repaired.mv.db}. */
  private static Path sibling(Path mvDb, String infix) {
    return mvDb.resolveSibling(base(mvDb) + infix + Database.H2_SUFFIX);
  }

  /**
   * Any key or value read as the raw bytes left in its page, as H2's own compaction reads maps
   * whose types it does not know: enough to read every page. H2 limits the buffer to the page
   * before it reads keys and values, for this very use.
   */
  private static final class RawBytes extends BasicDataType<byte[]> {
    static final RawBytes READER = new RawBytes();

    @Override
    public int getMemory(byte[] obj) {
      return obj == null ? 0 : obj.length;
    }

    @Override
    public boolean isMemoryEstimationAllowed() {
      return false;
    }

    @Override
    public void write(WriteBuffer buff, byte[] obj) {
      throw new UnsupportedOperationException("read only");
    }

    @Override
    public byte[] read(ByteBuffer buff) {
      byte[] bytes = new byte[buff.remaining()];
      buff.get(bytes);
      return bytes;
    }

    @Override
    public byte[][] createStorage(int size) {
      return new byte[size][];
    }
  }
}
