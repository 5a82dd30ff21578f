package dev.cronloop.definition;

import dev.cronloop.definition.JobFileParser.LocatedResult;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The one reader of a jobs folder (DESIGN.md, "Job files"): lists its job files with what tells
 * one version of a file from the next, parses the files it is given, and words the problems of the
 * folder itself. {@link #load} reads the whole folder once into a {@link Catalog}; {@link
 * JobCatalog} decides when to read again and what changed. A bad file never stops the good ones. An
 * id used in two files is a problem in each, and neither of those jobs loads ({@link FolderState}).
 *
 * <p>Runs on: a worker or catalog thread. It does plain blocking file I/O, never on the event loop.
 */
public final class JobFolder {
  /** From this many files on, files are parsed on a pool of one thread per core. */
  private static final int PARALLEL_READ = 64;

  private final Path dir;
  private final JobFileParser parser;

  /**
   * @param env the environment {@code ${VAR}} reads from, e.g. {@code System::getenv}
   */
  JobFolder(Path dir, Function<String, String> env) {
    this.dir = Objects.requireNonNull(dir, "dir");
    this.parser = new JobFileParser(env);
  }

  /**
   * Loads {@code dir}. Never throws for a bad folder or file; those are problems in the catalog.
   *
   * @param env the environment {@code ${VAR}} reads from, e.g. {@code System::getenv}
   */
  public static Catalog load(Path dir, Function<String, String> env) {
    JobFolder folder = new JobFolder(dir, env);
    Scan scan;
    try {
      scan = folder.scan(Set.of());
    } catch (IOException e) {
      return new Catalog(dir, List.of(), java.util.List.of(folder.unlisted(e)));
    }
    FolderState state = new FolderState(dir);
    folder.read(scan.jobs().keySet()).forEach(state::put);
    return state.snapshot(List.of());
  }

  Path dir() {
    return dir;
  }

  /**
   * The folder as it is now: its job files (regular files, links followed) and the files in
   * {@code reads} (those {@code urlsFrom} names), each with its fingerprint.
   *
   * @throws IOException when the folder cannot be listed (see {@link #unlisted})
   */
  Scan scan(Collection<Path> reads) throws IOException {
    Map<Path, Fingerprint> jobs = new HashMap<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        if (isJobFileName(p.getFileName().toString())) {
          Fingerprint f = Fingerprint.of(p);
          if (f != null && f.regular()) {
            jobs.put(p, f);
          }
        }
      }
    }
    Map<Path, Fingerprint> read = new HashMap<>();
    for (Path p : reads) {
      read.put(p, Objects.requireNonNullElse(Fingerprint.of(p), Fingerprint.ABSENT));
    }
    return new Scan(jobs, read);
  }

  /**
   * The folders whose changes can change a reading: the jobs folder, and the folders inside it
   * that hold files in {@code reads} (those {@code urlsFrom} names).
   */
  Set<Path> folders(Collection<Path> reads) {
    Set<Path> folders = new HashSet<>();
    folders.add(dir);
    Path root = dir.toAbsolutePath().normalize();
    for (Path read : reads) {
      Path parent = read.getParent();
      if (parent != null && parent.startsWith(root) && Files.isDirectory(parent)) {
        folders.add(parent);
      }
    }
    return folders;
  }

  /** The problem of a folder that {@link #scan} could not list, worded for the person to act. */
  Problem unlisted(IOException e) {
    if (!Files.isDirectory(dir)) {
      String why = Files.exists(dir) ? "is not a folder" : "does not exist";
      return new Problem(dir, 0, 0, "jobs folder " + why + "; create it or pass --jobs with the folder");
    }
    return new Problem(dir, 0, 0, "cannot list the jobs folder (" + e + "); check its permissions");
  }

  /** The problem of a folder that was read before and is gone now, keeping its {@code kept} jobs. */
  Problem gone(int kept) {
    return new Problem(
        dir, 0, 0, "jobs folder is gone; its " + kept + " jobs keep running until it is back; create it again");
  }

  /**
   * Parses files; many at once (a start, a burst) on one short-lived pool of {@code
   * cronloop-catalog-read-N} threads, one per core: parsing 10,000 files takes about 2.9 s on one
   * core of this machine and most of that is YAML and schedule parsing, which splits well.
   */
  Map<Path, LocatedResult> read(Set<Path> files) {
    Map<Path, LocatedResult> readings = new ConcurrentHashMap<>();
    int cores = Runtime.getRuntime().availableProcessors();
    if (files.size() < PARALLEL_READ || cores < 2) {
      files.forEach(p -> readings.put(p, parser.parseLocated(p)));
      return readings;
    }
    AtomicInteger threads = new AtomicInteger();
    ForkJoinPool pool =
        new ForkJoinPool(
            cores,
            fj -> {
              ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(fj);
              t.setName("cronloop-catalog-read-" + threads.incrementAndGet());
              return t;
            },
            null,
            false);
    try {
      pool.submit(() -> files.parallelStream().forEach(p -> readings.put(p, parser.parseLocated(p))))
          .join();
    } finally {
      pool.shutdown();
      awaitEnd(pool); // no cronloop-catalog-read-N thread outlives the read (a CLI run, a test)
    }
    return readings;
  }

  private static void awaitEnd(ForkJoinPool pool) {
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * True for {@code *.yaml}, {@code *.yml} and {@code *.json}, except hidden files and the temp
   * files editors write beside the real one (vim's {@code .swp} and {@code 4913}, emacs' {@code
   * .#name} and {@code name~}, {@code *.tmp}).
   */
  static boolean isJobFileName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.startsWith(".")
        || n.endsWith("~")
        || n.endsWith(".swp")
        || n.endsWith(".tmp")
        || n.equals("4913")) {
      return false;
    }
    return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
  }

  /** The file key of folder {@code p} (or {@code p} where keys are unknown); null if no folder. */
  static Object fileKey(Path p) {
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      return a.isDirectory() ? Objects.requireNonNullElse(a.fileKey(), p) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The folder's job files and {@code urlsFrom} files, each with its fingerprint. */
  record Scan(Map<Path, Fingerprint> jobs, Map<Path, Fingerprint> reads) {}

  /** What tells one version of a file from the next without reading it (links followed). */
  record Fingerprint(long modifiedNanos, long size, Object fileKey, boolean regular) {
    static final Fingerprint ABSENT = new Fingerprint(-1, -1, null, false);

    static Fingerprint of(Path p) {
      try {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        return new Fingerprint(
            a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.size(), a.fileKey(), a.isRegularFile());
      } catch (IOException e) {
        return null;
      }
    }
  }
}
