package dev.cronloop.definition;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import dev.cronloop.definition.JobFileParser.LocatedResult;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs folder, followed: loads it once, then watches it and publishes a new {@link Catalog}
 * each time a job file or a file named by {@code urlsFrom} is added, changed, renamed or removed.
 *
 * <p>How a change is seen: inotify (Java's {@link WatchService}) wakes the thread; then the folder
 * is scanned and each entry's modification time, size and file key (inode) are compared with the
 * last ones read. Only files that differ are parsed again. The scan follows symlinks, so a
 * Kubernetes ConfigMap swap (every job file a link through {@code ..data}, which is replaced in one
 * rename) shows as changed inodes. A full scan of 10,000 files takes 25-30 ms here, too much to
 * repeat every 250 ms, while an inotify event arrives within a millisecond; so polling every {@link
 * #DEFAULT_POLL} is only the fallback when the folder cannot be watched, and a full scan every
 * {@link #DEFAULT_RESCAN} is the safety net for what inotify cannot see (a file changed in place
 * behind a symlink).
 *
 * <p>Why it never loads half a save: a scan starts only when the folder has been quiet for {@link
 * #DEFAULT_QUIET} (at most {@link #DEFAULT_MAX_DELAY} after the first event), so an editor's
 * rename-aside-then-write or a tool's truncate-then-write is seen as one change. A file that reads
 * with problems right after a change is read once more one quiet period later before it counts;
 * and a file that does not load keeps its last good jobs scheduled ({@link FolderState}). Hidden
 * and editor temp files are never job files ({@code JobFolder.isJobFileName}). A folder that
 * disappears keeps every job until it is back.
 *
 * <p>Logs: INFO for jobs added, changed and removed, and once when a file that did not load loads
 * again; WARN once for each new problem.
 *
 * <p>Runs on: its own thread {@code cronloop-catalog}. It publishes immutable catalogs and calls
 * the listener on that thread; {@link #current()} may be read from any thread.
 */
public final class JobCatalog implements AutoCloseable {
  /** How long the folder must be quiet before a change is read. */
  public static final Duration DEFAULT_QUIET = Duration.ofMillis(120);
  /** A change is read at the latest this long after its first event, even if writes go on. */
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofMillis(500);
  /** How often the folder is scanned when it cannot be watched (or is gone). */
  public static final Duration DEFAULT_POLL = Duration.ofMillis(250);
  /** How often the folder is scanned in full while watched, for what inotify does not report. */
  public static final Duration DEFAULT_RESCAN = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(JobCatalog.class);
  private static final int NAMED_CHANGES = 20;
  private static final int PARALLEL_READ = 64;

  private final Path dir;
  private final JobFileParser parser;
  private final FolderState state;
  private final boolean inotify;
  private volatile Catalog current;
  private volatile boolean closed;
  private Thread thread;
  private Consumer<Catalog> listener = c -> {};

  // Confined to the catalog thread after start().
  private final Map<Path, Fingerprint> seen = new HashMap<>();
  private Map<Path, Fingerprint> seenReads = Map.of();
  private final Map<Path, Long> recheckAt = new HashMap<>();
  private final Map<Path, WatchKey> keys = new HashMap<>();
  private WatchService watch;
  private Object watchedDir;
  private boolean gone;
  private long firstEvent = -1;
  private long lastEvent = -1;
  private long nextRescan;
  private Scan lastPoll;

  /**
   * @param env the environment {@code ${VAR}} reads from, e.g. {@code System::getenv}
   */
  public JobCatalog(Path dir, Function<String, String> env) {
    this(dir, env, true);
  }

  /** With {@code inotify} false, the folder is only polled; for tests of the fallback. */
  JobCatalog(Path dir, Function<String, String> env, boolean inotify) {
    this.dir = Objects.requireNonNull(dir, "dir");
    this.parser = new JobFileParser(env);
    this.state = new FolderState(dir);
    this.inotify = inotify;
  }

  /** Reads the whole folder now, on the calling thread, and returns the catalog. Call it once. */
  public Catalog load() {
    Scan scan = scan();
    if (scan == null) {
      String why = Files.exists(dir) ? "is not a folder" : "does not exist";
      publish(
          state.snapshot(
              List.of(
                  new Problem(
                      dir, 0, 0, "jobs folder " + why + "; create it or pass --jobs with the folder"))));
      gone = true;
      return current;
    }
    apply(scan, false);
    return current;
  }

  /** The catalog as last published; null before {@link #load()}. */
  public Catalog current() {
    return current;
  }

  /**
   * Starts following the folder on the thread {@code cronloop-catalog}; {@code onChange} gets each
   * new catalog on that thread. Call after {@link #load()}.
   */
  public synchronized void start(Consumer<Catalog> onChange) {
    if (thread != null) {
      throw new IllegalStateException("the catalog of " + dir + " is already watched");
    }
    if (current == null) {
      throw new IllegalStateException("load() the catalog of " + dir + " before start()");
    }
    listener = Objects.requireNonNull(onChange, "onChange");
    try {
      watch = inotify ? FileSystems.getDefault().newWatchService() : null;
    } catch (IOException | UnsupportedOperationException e) {
      log.warn("cannot watch {} ({}); scanning it every {} ms instead", dir, e, DEFAULT_POLL.toMillis());
    }
    nextRescan = System.nanoTime() + DEFAULT_RESCAN.toNanos();
    thread = new Thread(this::run, "cronloop-catalog");
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops following the folder; the last catalog stays readable. Waits for the thread to end. */
  @Override
  public void close() {
    closed = true;
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t == null) {
      return;
    }
    t.interrupt();
    try {
      if (watch != null) {
        watch.close();
      }
      t.join(5_000);
    } catch (IOException e) {
      log.debug("closing the watch of {}", dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    while (!closed) {
      try {
        step();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        if (closed) {
          return;
        }
        // Not a stop: the loop must not end in silence. Go on by polling.
        log.error("the watch of the jobs folder {} ended unexpectedly ({}); scanning it every {} ms instead",
            dir, e.toString(), DEFAULT_POLL.toMillis());
        watch = null;
        keys.clear();
      } catch (RuntimeException | Error e) { // NOPMD: any error leaves the last jobs running
        if (closed) {
          return;
        }
        log.error("reading the jobs folder {} failed; going on with the jobs loaded last", dir, e);
        try {
          Thread.sleep(DEFAULT_POLL.toMillis());
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  /** One turn of the loop: wait for an event or a deadline, then scan when one is due. */
  private void step() throws InterruptedException {
    boolean watching = ensureWatched();
    long now = System.nanoTime();
    long wait = DEFAULT_POLL.toNanos();
    if (firstEvent >= 0) {
      wait = Math.min(lastEvent + DEFAULT_QUIET.toNanos(), firstEvent + DEFAULT_MAX_DELAY.toNanos()) - now;
    }
    for (long due : recheckAt.values()) {
      wait = Math.min(wait, due - now);
    }
    if (watching && firstEvent < 0) {
      wait = Math.min(wait, nextRescan - now);
    }
    if (wait > 0 && waitForEvents(wait)) {
      return;
    }
    long after = System.nanoTime();
    if (firstEvent >= 0
        && (after - lastEvent >= DEFAULT_QUIET.toNanos() || after - firstEvent >= DEFAULT_MAX_DELAY.toNanos())) {
      firstEvent = -1;
      apply(scan(), true);
    } else if (recheckAt.values().stream().anyMatch(due -> due <= after)) {
      apply(scan(), true);
    } else if (!watching) {
      // Polling: a change counts once two scans one poll apart agree, so a file being written is
      // not read half way.
      Scan scan = scan();
      if (Objects.equals(scan, lastPoll)) {
        apply(scan, true);
      }
      lastPoll = scan;
    } else if (after >= nextRescan) {
      apply(scan(), true);
    }
  }

  /** Waits up to {@code nanos} for watch events; true when some came (and were drained). */
  private boolean waitForEvents(long nanos) throws InterruptedException {
    if (watch == null || watchedDir == null) {
      Thread.sleep(Math.max(1, nanos / 1_000_000));
      return false;
    }
    WatchKey key = watch.poll(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    if (key == null) {
      return false;
    }
    while (key != null) {
      key.pollEvents(); // any event, even on a hidden name (a ConfigMap's ..data), means "scan"
      if (!key.reset()) {
        keys.values().remove(key);
      }
      key = watch.poll();
    }
    long now = System.nanoTime();
    if (firstEvent < 0) {
      firstEvent = now;
    }
    lastEvent = now;
    return true;
  }

  /**
   * Keeps a watch on the folder (and the folders of {@code urlsFrom} files inside it). A folder
   * removed and created again, or swapped by a rename, has a new file key: the watch moves to it
   * and the folder is read again.
   */
  private boolean ensureWatched() {
    Object key = fileKey(dir);
    if (!Objects.equals(key, watchedDir)) {
      keys.values().forEach(WatchKey::cancel);
      keys.clear();
      watchedDir = key;
      markChanged();
    }
    if (watch == null || key == null) {
      return false;
    }
    Set<Path> folders = new HashSet<>();
    folders.add(dir);
    Path root = dir.toAbsolutePath().normalize();
    for (Path read : state.reads()) {
      Path parent = read.getParent();
      if (parent != null && parent.startsWith(root) && Files.isDirectory(parent)) {
        folders.add(parent);
      }
    }
    for (Path folder : folders) {
      if (!keys.containsKey(folder)) {
        try {
          keys.put(folder, folder.register(watch, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY));
        } catch (IOException e) {
          log.debug("cannot watch {}; the full scan every {} s covers it", folder, DEFAULT_RESCAN.toSeconds(), e);
        }
      }
    }
    return keys.containsKey(dir);
  }

  private void markChanged() {
    long now = System.nanoTime();
    if (firstEvent < 0) {
      firstEvent = now;
    }
    lastEvent = now;
  }

  /** The folder as it is now: job files and {@code urlsFrom} files with fingerprints; null if gone. */
  private Scan scan() {
    Map<Path, Fingerprint> jobs = new HashMap<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        if (JobFolder.isJobFileName(p.getFileName().toString())) {
          Fingerprint f = Fingerprint.of(p);
          if (f != null && f.regular()) {
            jobs.put(p, f);
          }
        }
      }
    } catch (IOException e) {
      return null;
    }
    Map<Path, Fingerprint> reads = new HashMap<>();
    for (Path read : state.reads()) {
      reads.put(read, Objects.requireNonNullElse(Fingerprint.of(read), Fingerprint.ABSENT));
    }
    return new Scan(jobs, reads);
  }

  /** Reads what changed since the last scan that was applied, and publishes the new catalog. */
  private void apply(Scan scan, boolean recheckBad) {
    nextRescan = System.nanoTime() + DEFAULT_RESCAN.toNanos(); // any full scan is a rescan
    if (scan == null) {
      recheckAt.clear(); // nothing to look at again until the folder is back
      folderGone();
      return;
    }
    boolean back = gone;
    if (gone) {
      gone = false;
      log.info("jobs folder {} is back", dir);
    }
    long now = System.nanoTime();
    Set<Path> toRead = new TreeSet<>();
    scan.jobs().forEach((p, f) -> {
      if (!f.equals(seen.get(p))) {
        toRead.add(p);
      }
    });
    scan.reads().forEach((p, f) -> {
      if (!f.equals(seenReads.get(p))) {
        toRead.addAll(state.readersOf(p));
      }
    });
    List<Path> due = new ArrayList<>();
    recheckAt.forEach((p, at) -> {
      if (at <= now) {
        due.add(p);
      }
    });
    due.forEach(recheckAt::remove);
    toRead.addAll(due);
    List<Path> removed = new ArrayList<>();
    for (Path p : state.files()) {
      if (!scan.jobs().containsKey(p)) {
        removed.add(p);
      }
    }
    if (recheckBad && removed.size() > 1 && removed.size() * 2 >= state.files().size()
        && !due.contains(dir)) {
      // Half the folder or more gone at once is often `rm -rf` on the way to removing the folder
      // itself (or a checkout half done): look again one more quiet period later before dropping.
      recheckAt.put(dir, now + 2 * DEFAULT_QUIET.toNanos());
      removed.clear();
    }
    seen.clear();
    seen.putAll(scan.jobs());
    seenReads = scan.reads();
    toRead.retainAll(scan.jobs().keySet());
    if (toRead.isEmpty() && removed.isEmpty() && !back && current != null) {
      return;
    }
    Map<Path, LocatedResult> readings = read(toRead);
    for (Path p : toRead) {
      LocatedResult reading = readings.get(p);
      if (recheckBad && !reading.problems().isEmpty() && !due.contains(p)) {
        // Maybe half written: keep what the file held before and read it again once more.
        recheckAt.put(p, now + DEFAULT_QUIET.toNanos());
        continue;
      }
      recheckAt.remove(p);
      state.put(p, reading);
    }
    for (Path p : removed) {
      state.remove(p);
      recheckAt.remove(p);
    }
    publish(state.snapshot(List.of()));
  }

  /**
   * Parses files; many at once (a start, a burst) on one short-lived pool of {@code
   * cronloop-catalog-read-N} threads, one per core: parsing 10,000 files takes about 2.9 s on one
   * core of this machine and most of that is YAML and schedule parsing, which splits well.
   */
  private Map<Path, LocatedResult> read(Set<Path> files) {
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
    }
    return readings;
  }

  private void folderGone() {
    if (gone || current == null) {
      return;
    }
    gone = true;
    int kept = current.jobs().size();
    publish(
        state.snapshot(
            List.of(
                new Problem(
                    dir,
                    0,
                    0,
                    "jobs folder is gone; its "
                        + kept
                        + " jobs keep running until it is back; create it again"))));
  }

  private void publish(Catalog next) {
    Catalog before = current;
    logChanges(before, next);
    current = next;
    if (before != null && before.jobs().equals(next.jobs()) && before.states().equals(next.states())
        && before.problems().equals(next.problems())) {
      return;
    }
    if (before == null) {
      return; // load(): the caller reads it
    }
    try {
      listener.accept(next);
    } catch (RuntimeException e) {
      log.error("applying the jobs of {} failed; the next change tries again", dir, e);
    }
  }

  private void logChanges(Catalog before, Catalog next) {
    Set<Problem> known = before == null ? Set.of() : new HashSet<>(before.problems());
    for (Problem p : next.problems()) {
      if (!known.contains(p)) {
        log.warn("{}", p);
      }
    }
    for (JobState s : next.states().values()) {
      JobState old = before == null ? null : before.states().get(s.id());
      if (s.status() == JobState.Status.INVALID && (old == null || old.status() != JobState.Status.INVALID) && before != null) {
        log.warn("job \"{}\" keeps running its last good version until {} loads again", s.id(), s.definition().file());
      }
    }
    if (before == null) {
      return;
    }
    Set<Path> stillInvalid = next.invalidFiles().keySet();
    for (Path file : before.invalidFiles().keySet()) {
      if (!stillInvalid.contains(file) && state.knows(file)) {
        List<String> ids = next.jobs().stream().filter(j -> file.equals(j.file())).map(JobDefinition::id).toList();
        log.info("job file {} loads again; {}", file, ids.isEmpty() ? "it holds no job" : "jobs " + ids + " run what it says now");
      }
    }
    Map<String, String> added = new LinkedHashMap<>();
    List<String> changed = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    for (JobDefinition j : next.jobs()) {
      JobDefinition old = before.job(j.id()).orElse(null);
      if (old == null) {
        added.put(j.id(), j.file().getFileName().toString());
      } else if (!old.contentHash().equals(j.contentHash()) || !old.file().equals(j.file())) {
        changed.add(j.id());
      }
    }
    for (JobDefinition j : before.jobs()) {
      if (!next.states().containsKey(j.id())) {
        removed.add(j.id());
      }
    }
    if (added.size() + changed.size() + removed.size() <= NAMED_CHANGES) {
      added.forEach((id, file) -> log.info("job \"{}\" added from {}", id, file));
      changed.forEach(id -> log.info("job \"{}\" changed", id));
      removed.forEach(id -> log.info("job \"{}\" removed", id));
    } else if (added.size() + changed.size() + removed.size() > 0) {
      log.info("jobs: {} added, {} changed, {} removed; {} scheduled",
          added.size(), changed.size(), removed.size(), next.jobs().size());
    }
  }

  private static Object fileKey(Path p) {
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      return a.isDirectory() ? Objects.requireNonNullElse(a.fileKey(), p) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The folder's job files and {@code urlsFrom} files, each with its fingerprint. */
  private record Scan(Map<Path, Fingerprint> jobs, Map<Path, Fingerprint> reads) {}

  /** What tells one version of a file from the next without reading it (links followed). */
  private record Fingerprint(long modifiedNanos, long size, Object fileKey, boolean regular) {
    static final Fingerprint ABSENT = new Fingerprint(-1, -1, null, false);

    static Fingerprint of(Path p) {
      try {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        return new Fingerprint(
            a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS),
            a.size(),
            a.fileKey(),
            a.isRegularFile());
      } catch (IOException e) {
        return null;
      }
    }
  }
}
