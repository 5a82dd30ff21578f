package dev.cronloop.record;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.h2.jdbcx.JdbcDataSource;

/**
 * A new H2 file, made whole or not at all: the first start migrates it under a name of its own
 * beside it ({@code cronloop.partial.mv.db}) and moves it into place once every migration is in.
 *
 * <p>Why: on H2 each DDL statement commits on its own, so a process killed during the first
 * migration left a file with half a schema and no record of it, which every later start refused
 * ("Sequence RUN_ID_BLOCKS already exists", as a {@code kill -9} at start showed). Now such a kill
 * leaves only the partial file, which the next first start deletes and makes again. The first writes
 * of a new file, when H2 2.5.252 can leave it unopenable after a kill (h2database/h2database#4383),
 * fall in the partial file too. Makers take turns on a lock file beside it ({@code
 * cronloop.partial.lock}, gone once the file is made); one that finds the file made when its turn
 * comes opens that.
 *
 * <p>Runs on: the thread that opens the database (blocking file I/O), before the pool opens.
 */
final class NewH2File {
  /** What the partial file's name adds to the database's. */
  static final String PARTIAL = ".partial";
  /** What the makers' lock file adds to the partial file's base name. */
  static final String LOCK = ".lock";
  /** How long a maker waits for another to finish its file. */
  static final java.time.Duration LOCK_WAIT = java.time.Duration.ofSeconds(60);

  private NewH2File() {}

  /**
   * Makes the H2 file of {@code url} ({@code jdbc:h2:file:}, normalized), its folder included, with
   * every migration, unless it exists; {@code beforeMove} is called with the partial file once it is
   * migrated and closed.
   */
  static void createIfAbsent(String url, java.util.function.Consumer<Path> beforeMove) {
    Path file = Database.h2File(url).orElseThrow(() -> new IllegalArgumentException("no H2 file URL: " + url));
    if (Files.exists(file)) {
      return;
    }
    String name = file.getFileName().toString();
    String partialBase = file.resolveSibling(name.substring(0, name.length() - Database.H2_SUFFIX.length()) + PARTIAL)
        .toString();
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot create the database folder " + file.getParent() + "; create it or pass --db", e);
    }
    // One maker at a time: a second process starting at once would otherwise delete the first's
    // partial file as a leftover while it is being migrated, and the first move the second's
    // half-made file into place. The lock is the OS's on a side file; within one JVM, where such a
    // lock is per process, the class's monitor. The side file goes once the database's file is in
    // place, never before: until then every maker must lock the same one.
    Path lockFile = Path.of(partialBase + LOCK);
    synchronized (NewH2File.class) {
      try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock held = lock(channel, lockFile)) {
        if (!Files.exists(file)) { // else made meanwhile by the process that held the lock
          create(url, file, partialBase, beforeMove);
        }
        Files.deleteIfExists(lockFile);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the database " + file + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * The makers' lock, waited for up to {@link #LOCK_WAIT}: making a file takes seconds, so a
   * longer hold is a maker that hangs, and the start fails naming the lock rather than waiting on.
   */
  private static FileLock lock(FileChannel channel, Path lockFile) throws IOException {
    long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
    while (true) {
      FileLock held = channel.tryLock();
      if (held != null) {
        return held;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("another process has been making the database beside " + lockFile
            + " for " + LOCK_WAIT.toSeconds() + " s; stop it, or wait for it and start again");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + lockFile, e);
      }
    }
  }

  private static void create(String url, Path file, String partialBase, java.util.function.Consumer<Path> beforeMove) {
    Path partial = Path.of(partialBase + Database.H2_SUFFIX);
    int semicolon = url.indexOf(';');
    try {
      deleteLeftovers(partialBase); // of a first start that was killed
      JdbcDataSource source = new JdbcDataSource();
      source.setURL("jdbc:h2:file:" + partialBase + settings(semicolon < 0 ? "" : url.substring(semicolon + 1)));
      try (Connection open = source.getConnection(); // keeps the database open between Flyway's connections
          Statement shutdown = open.createStatement()) {
        Database.migrate(source, false);
        shutdown.execute("SHUTDOWN"); // closed now, also with DB_CLOSE_DELAY=-1 in the URL
      }
      beforeMove.accept(partial);
      Files.move(partial, file);
      deleteLeftovers(partialBase);
    } catch (FileAlreadyExistsException raced) {
      // another process made the file first; this one opens it
      deleteQuietly(partial);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the database " + file + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the database " + file + ": " + e.getMessage(), e);
    }
  }

  /** The URL's settings without AUTO_SERVER: no other process needs the partial file. */
  private static String settings(String settings) {
    return Arrays.stream(settings.split(";"))
        .filter(s -> !s.isBlank() && !s.toUpperCase(Locale.ROOT).startsWith("AUTO_SERVER"))
        .map(s -> ";" + s)
        .collect(Collectors.joining());
  }

  private static void deleteLeftovers(String partialBase) throws IOException {
    for (String suffix : new String[] {Database.H2_SUFFIX, ".trace.db", ".lock.db"}) {
      Files.deleteIfExists(Path.of(partialBase + suffix));
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a partial file left here is deleted by the next first start
    }
  }
}
