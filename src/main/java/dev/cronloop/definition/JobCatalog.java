package dev.cronloop.definition;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import dev.cronloop.definition.JobFileParser.LocatedResult;
import dev.cronloop.definition.JobFolder.Fingerprint;
import dev.cronloop.definition.JobFolder.Scan;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
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
 * the listener on that thread; {@link #current()} may be read from any thread. What a file holds and
 * how the folder is listed is {@link JobFolder}'s to say; this class decides when to look.
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

  private final Path dir;
  private final JobFolder folder;
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
    this.folder = new JobFolder(dir, env);
    this.state = new FolderState(dir);
    this.inotify = inotify;
  }

  /** Reads the whole folder now, on the calling thread, and returns the catalog. Call it once. */
  public Catalog load() {
    Scan scan;
    try {
      scan = folder.scan(state.reads());
    } catch (IOException e) {
      publish(state.snapshot(List.of(folder.unlisted(e))));
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
    markChanged();
    return true;
  }

  /**
   * Keeps a watch on the folder (and the folders of {@code urlsFrom} files inside it). A folder
   * removed and created again, or swapped by a rename, has a new file key: the watch moves to it
   * and the folder is read again.
   */
  private boolean ensureWatched() {
    Object key = JobFolder.fileKey(dir);
    if (!Objects.equals(key, watchedDir)) {
      keys.values().forEach(WatchKey::cancel);
      keys.clear();
      watchedDir = key;
      markChanged();
    }
    if (watch == null || key == null) {
      return false;
    }
    for (Path f : folder.folders(state.reads())) {
      if (!keys.containsKey(f)) {
        try {
          keys.put(f, f.register(watch, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY));
        } catch (IOException e) {
          log.debug("cannot watch {}; the full scan every {} s covers it", f, DEFAULT_RESCAN.toSeconds(), e);
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

  /** The folder as it is now (see {@link JobFolder#scan}); null when it cannot be listed. */
  private Scan scan() {
    try {
      return folder.scan(state.reads());
    } catch (IOException e) {
      return null;
    }
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
    Map<Path, LocatedResult> readings = folder.read(toRead);
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

  private void folderGone() {
    if (gone || current == null) {
      return;
    }
    gone = true;
    publish(state.snapshot(List.of(folder.gone(current.jobs().size()))));
  }

  private void publish(Catalog next) {
    Catalog before = current;
    CatalogChanges.log(before, next, state);
    current = next;
    if (before != null && before.jobs().equals(next.jobs()) && before.states().equals(next.states())
        && before.problems().equals(next.problems()) && before.channels().equals(next.channels())) {
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
}
