package dev.cronloop.record;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records outcomes: a bounded queue drained by one writer thread that inserts in batches, one
 * transaction per batch.
 *
 * <p>The event loop never waits here. Producers first {@link #tryReserve reserve} room for what
 * they will write; a reservation never blocks and, once held, guarantees that {@link #submit}
 * succeeds. When room runs out the caller stops starting work and is told through {@link
 * #whenRoom} once the writer has freed some: that is how a slow database slows runs down instead
 * of growing memory or dropping rows.
 *
 * <p>Batching ({@link WriteQueue}): the writer takes what is queued, lingers up to {@link
 * WriteQueue#LINGER} for more unless the batch already ends a run, and writes at most {@link
 * WriteQueue#MAX_BATCH} writes per transaction. A batch
 * that fails because the database is away ({@link SqlFault#OUTAGE}) is retried with backoff, never
 * dropped. A batch the database refuses because of some rows' data is not an outage: the store
 * finds those rows, commits the others and records the refused ones as well as they can be ({@link
 * OutcomeStore}); they are counted in {@link #rejected()}.
 *
 * <p>The writer never dies: any other throwable met while writing a batch is logged with the
 * batch's jobs, counted in {@link #errors()}, the batch is given up (its writes count as rejected,
 * its runs are still told they ended) and the writer goes on with the next one. Only {@link #stop}
 * ends it.
 *
 * <p>Degraded mode ({@link Outage}): with a {@link #spillTo journal}, a database that stays away
 * longer than the spill delay no longer holds the queue. Batches are appended to the journal
 * (forced to disk) instead, room is freed, and the journal is replayed once the database is back.
 * {@link #degraded()} feeds {@code /ready} and a gauge. What the recorder tells its producers
 * (a run's end committed, room freed) goes through {@link Notices}.
 *
 * <p>Runs on: the {@code cronloop-recorder} thread; {@code tryReserve}, {@code submit} and {@code
 * whenRoom} are safe from any thread. Callbacks run on the executor the caller names (a run's
 * lane), else on the one given at construction.
 */
public final class Recorder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Recorder.class);

  /** Writes the queue holds, reserved or queued. */
  public static final int DEFAULT_CAPACITY = 50_000;

  /** Characters of captured bodies the queue holds, reserved or queued: 64 Mi (1,024 bodies of 64 KiB). */
  public static final int DEFAULT_BODY_BUDGET = 64 << 20;

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  /** How long the database may fail before outcomes go to the journal. */
  public static final Duration DEFAULT_SPILL_AFTER = Outage.DEFAULT_SPILL_AFTER;

  private final WriteQueue queue;
  private final Executor callbacks;
  private final Notices notices;
  private final OutcomeStore store;
  private final Outage outage;
  private final Thread writer;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final Rejections rejections = new Rejections();
  private volatile InstantSource clock = InstantSource.system();
  private volatile Pause pause = Pause.SLEEP;
  private volatile BatchListener batchListener = (writes, nanos) -> {};

  /** Hears every committed batch, on the writer thread; it must be quick and thread-safe. */
  @FunctionalInterface
  public interface BatchListener {
    /** A batch of {@code writes} committed {@code nanos} after its first attempt began. */
    void committed(int writes, long nanos);
  }

  /**
   * @param dataSource where to write
   * @param capacity how many writes may be queued or reserved at once
   * @param callbacks where commit callbacks and room notices run (the engine context)
   */
  public Recorder(DataSource dataSource, int capacity, Executor callbacks) {
    this(dataSource, capacity, DEFAULT_BODY_BUDGET, callbacks);
  }

  /** @param bodyBudget how many characters of captured bodies may be queued or reserved at once */
  public Recorder(DataSource dataSource, int capacity, int bodyBudget, Executor callbacks) {
    if (capacity < 2) {
      throw new IllegalArgumentException("recorder capacity must be >= 2, got " + capacity);
    }
    if (bodyBudget < 1) {
      throw new IllegalArgumentException("recorder body budget must be >= 1, got " + bodyBudget);
    }
    this.queue = new WriteQueue(capacity, bodyBudget);
    this.callbacks = callbacks;
    this.notices = new Notices();
    this.store = new OutcomeStore(dataSource, rejections);
    this.outage = new Outage(dataSource, rejections, errors);
    this.writer = new Thread(this::drain, "cronloop-recorder");
    this.writer.setDaemon(false);
  }

  /**
   * Reads the commit time stamps it reports, and the length of a database outage, from {@code
   * clock}. Call before {@link #start()}.
   */
  public Recorder clock(InstantSource clock) {
    this.clock = java.util.Objects.requireNonNull(clock, "clock");
    outage.clock(clock);
    store.clock(clock);
    return this;
  }

  /** Waits between attempts with {@code pause} instead of sleeping; for tests. Call before {@link #start()}. */
  Recorder pause(Pause pause) {
    this.pause = java.util.Objects.requireNonNull(pause, "pause");
    return this;
  }

  /**
   * Spills outcomes to {@code file} when the database has failed for longer than {@code after}.
   * Call before {@link #start()}.
   */
  public Recorder spillTo(Path file, Duration after) {
    outage.spillTo(file, after);
    return this;
  }

  /** True while outcomes go to the journal because the database is away. */
  public boolean degraded() {
    return outage.degraded();
  }

  /** Writes appended to the journal since start. */
  public long spilled() {
    return outage.spilled();
  }

  public Recorder start() {
    writer.start();
    return this;
  }

  /** Reserves room for {@code n} writes without bodies, without waiting; false when there is not enough. */
  public boolean tryReserve(int n) {
    return queue.tryReserve(n, 0);
  }

  /** {@link #tryReserve(int)} for writes whose captured bodies hold at most {@code bodyChars} characters. */
  public boolean tryReserve(int n, int bodyChars) {
    return queue.tryReserve(n, bodyChars);
  }

  /**
   * Queues a write for which room was reserved. Never blocks: the reservation guarantees a free
   * slot.
   */
  public void submit(Write write) {
    queue.offer(write, 0);
  }

  /**
   * Queues a fetch for which room and {@code reservedChars} of body budget were reserved; what its
   * body does not use is freed now. Never blocks.
   */
  public void submit(Write.InsertFetch fetch, int reservedChars) {
    queue.offer(fetch, reservedChars);
  }

  /**
   * Queues the write that ends a run, for which room was reserved, and tells {@code onCommitted}
   * the instant the transaction that holds it committed (or gave it up). The notice runs on the
   * callback executor. Never blocks.
   */
  public void submit(Write.FinishRun finish, Consumer<Instant> onCommitted) {
    submit(finish, callbacks, onCommitted);
  }

  /**
   * {@link #submit(Write.FinishRun, Consumer)}, with the notice run on {@code where}: a run tells
   * the recorder its own lane, so the notice comes back to the thread the run lives on.
   */
  public void submit(Write.FinishRun finish, Executor where, Consumer<Instant> onCommitted) {
    notices.awaitCommit(finish, where, onCommitted);
    try {
      submit(finish);
    } catch (IllegalStateException e) {
      notices.forget(finish);
      throw e;
    }
  }

  /**
   * Asks to be told, once, when the writer has freed room. The notice runs on the callback
   * executor. Several may wait at once (a limiter per lane); each is told.
   */
  public void whenRoom(Runnable notice) {
    whenRoom(callbacks, notice);
  }

  /** {@link #whenRoom(Runnable)}, with the notice run on {@code where}. */
  public void whenRoom(Executor where, Runnable notice) {
    notices.awaitRoom(where, notice);
    if (queue.hasRoom()) {
      notices.roomFreed();
    }
  }

  /** Sets the one listener told about each committed batch (metrics). */
  public Recorder onBatch(BatchListener listener) {
    this.batchListener = listener;
    return this;
  }

  /** Writes queued and not yet committed. */
  public int depth() {
    return queue.depth();
  }

  /** Writes committed since start. */
  public long written() {
    return written.get();
  }

  /** Transactions committed since start. */
  public long batches() {
    return batches.get();
  }

  /**
   * Writes not committed as they were submitted since start: refused by the database for their
   * data (then cut to fit, replaced by a RECORD_ERROR row or dropped), or lost to an unexpected
   * error. {@link #written()} plus this is every write taken from the queue.
   */
  public long rejected() {
    return rejections.count();
  }

  /** Unexpected errors the writer met, logged and survived, since start. */
  public long errors() {
    return errors.get();
  }

  /** Stops taking work once the queue is empty; completes when the last batch is committed. */
  public CompletableFuture<Void> stop() {
    // No interrupt: an interrupt during H2's file I/O closes the database file.
    stopping.set(true);
    queue.wake();
    return stopped;
  }

  @Override
  public void close() {
    stop().join();
  }

  private void drain() {
    List<Write> batch = new ArrayList<>(WriteQueue.MAX_BATCH);
    while (!(stopping.get() && queue.isEmpty())) {
      boolean taken = false;
      try {
        try {
          queue.collect(batch, stopping.get());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          stopping.set(true);
        }
        if (!batch.isEmpty()) {
          taken = true;
          record(batch);
        } else if (outage.degraded()) {
          outage.tryRecover();
        }
      } catch (Throwable e) { // NOPMD: the writer must outlive any error; see the class comment
        if (!taken && !batch.isEmpty()) {
          finish(batch, e); // taken from the queue but not written: free its room all the same
        } else {
          survive(e, "the recorder's loop");
        }
      } finally {
        batch.clear();
      }
    }
    try {
      outage.lastReplay();
    } catch (Throwable e) { // NOPMD
      survive(e, "the last replay of the journal");
    } finally {
      store.close();
      outage.close();
    }
    stopped.complete(null);
  }

  /** Writes a batch, then frees its room and tells its runs, whatever happened. */
  private void record(List<Write> batch) {
    Throwable failure = null;
    try {
      writeUntilDone(batch);
    } catch (Throwable e) { // NOPMD: any error gives up this batch only
      failure = e;
    }
    finish(batch, failure);
  }

  /** Frees the batch's room and tells its runs they ended; a failure gives the batch up. */
  private void finish(List<Write> batch, Throwable failure) {
    if (failure != null) {
      rejections.lost(batch.size());
      survive(failure, batch.size() + " writes of " + jobsOf(batch) + " (given up)");
    }
    Instant at = clock.instant();
    queue.free(batch);
    for (Write w : batch) {
      if (w instanceof Write.FinishRun f) {
        try {
          notices.committed(f, at);
        } catch (RuntimeException e) {
          survive(e, "telling run " + f.runId() + " it was recorded");
        }
      }
    }
    notices.roomFreed();
  }

  /** Logs and counts an unexpected error, then lets the writer go on after a short pause. */
  private void survive(Throwable e, String where) {
    errors.incrementAndGet();
    log.error("recorder: unexpected error in {}; going on with the next batch (errors so far: {})", where,
        errors.get(), e);
    pause.pause(Duration.ofMillis(100)); // an error that repeats at once must not spin a core
  }

  private static String jobsOf(List<Write> batch) {
    java.util.Set<String> jobs = new java.util.TreeSet<>();
    for (Write w : batch) {
      if (w instanceof Write.InsertRun r) {
        jobs.add(r.run().jobId());
      } else if (w instanceof Write.InsertFetch f) {
        jobs.add(f.fetch().jobId());
      }
      if (jobs.size() > 5) {
        return "jobs " + String.join(", ", jobs) + ", ...";
      }
    }
    return jobs.isEmpty() ? "run ends" : "jobs " + String.join(", ", jobs);
  }

  private void writeUntilDone(List<Write> batch) {
    Duration backoff = Duration.ofMillis(50);
    long t0 = System.nanoTime(); // the batch's commit latency, a measurement for metrics: not paced by the clock
    boolean toJournal = false;
    int refused = 0;
    while (true) {
      if (!outage.degraded() && (refused = tryWrite(batch)) >= 0) {
        break;
      }
      if (outage.degraded() && outage.trySpill(batch)) {
        toJournal = true;
        break;
      }
      pause.pause(backoff);
      backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }
    if (!toJournal) {
      written.addAndGet(batch.size() - refused);
      batches.incrementAndGet();
      try {
        batchListener.committed(batch.size() - refused, System.nanoTime() - t0);
      } catch (RuntimeException e) { // committed all the same: not a reason to give the batch up
        survive(e, "the batch listener");
      }
    }
  }

  /**
   * One database attempt: how many writes were refused for their data and settled, or -1 when the
   * database is away (the outage is noted and may switch to the journal).
   */
  private int tryWrite(List<Write> batch) {
    try {
      int refused = store.write(batch);
      outage.over();
      return refused;
    } catch (Exception e) { // data faults were settled by the store: what is left is an outage
      outage.failed(batch.size(), e);
      return -1;
    }
  }
}
