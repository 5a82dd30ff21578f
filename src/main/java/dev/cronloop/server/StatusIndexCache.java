package dev.cronloop.server;

import dev.cronloop.definition.Catalog;
import dev.cronloop.definition.JobDefinition;
import dev.cronloop.record.RunRow;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The {@link StatusIndex} built last, and when to build another: when the catalog is another
 * snapshot (a job file changed), when the set of paused jobs changed, when a run ended on this
 * engine (a job may have started or stopped failing), and at least every {@link #MAX_AGE}, for the
 * rows other processes write to the same database (other cluster nodes, {@code cronloop fire}).
 * Between those, every poll of the status page, from any number of viewers, reads the same index:
 * one query of the newest runs and one walk of the catalog per change instead of per request.
 *
 * <p>Runs on: the {@code cronloop-db} workers ({@link #current} is blocking, and builds under this
 * object's lock, so polls that arrive together build once).
 */
final class StatusIndexCache {
  /** How long an index may serve while nothing this engine sees has changed. */
  static final Duration MAX_AGE = Duration.ofSeconds(15);

  private final LongSupplier runsEnded;
  private final Supplier<Set<String>> paused;
  private final LastRuns lastRuns;
  private final BiFunction<Catalog, JobDefinition, String> stateOf;
  private final LongSupplier nanos;
  private Built built;

  /** Reads each job's newest finished run, by job id. Blocking. */
  @FunctionalInterface
  interface LastRuns {
    Map<String, RunRow> read() throws Exception;
  }

  private record Built(Catalog catalog, long runsEnded, Set<String> paused, long atNanos, StatusIndex index) {}

  /** The cache of the engine {@code engine} shows, with the state the API shows for a job. */
  StatusIndexCache(EngineView engine, BiFunction<Catalog, JobDefinition, String> stateOf) {
    this(engine::runsEnded, engine::pausedJobs, () -> JobRoutes.lastRuns(engine.queries()), stateOf, System::nanoTime);
  }

  /**
   * @param runsEnded how many runs have ended on this engine so far
   * @param paused the ids of the paused jobs now
   * @param nanos a monotonic clock, {@link System#nanoTime()} but in tests
   */
  StatusIndexCache(LongSupplier runsEnded, Supplier<Set<String>> paused, LastRuns lastRuns,
      BiFunction<Catalog, JobDefinition, String> stateOf, LongSupplier nanos) {
    this.runsEnded = runsEnded;
    this.paused = paused;
    this.lastRuns = lastRuns;
    this.stateOf = stateOf;
    this.nanos = nanos;
  }

  /** The index of {@code catalog} as it is now, built again only when it may differ. Blocking. */
  synchronized StatusIndex current(Catalog catalog) throws Exception {
    // Read what the key holds before the rows: a run that ends during the build moves the count
    // after, so the next poll builds again rather than keeping a stale index.
    long runs = runsEnded.getAsLong();
    Set<String> pausedNow = paused.get();
    long now = nanos.getAsLong();
    Built b = built;
    if (b != null && b.catalog() == catalog && b.runsEnded() == runs && b.paused().equals(pausedNow)
        && now - b.atNanos() < MAX_AGE.toNanos()) {
      return b.index();
    }
    StatusIndex index = StatusIndex.build(catalog, lastRuns.read(), stateOf);
    built = new Built(catalog, runs, pausedNow, now, index);
    return index;
  }
}
