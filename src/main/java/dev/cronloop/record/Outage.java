package dev.cronloop.record;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recorder's side of a database outage: when writes began to fail, and degraded mode. With a
 * journal, an outage that lasts longer than the spill delay switches to degraded mode: batches are
 * appended to the journal instead, and once a second a probe tries to replay it; when that
 * commits, degraded mode ends. Entering and leaving it each log one WARN.
 *
 * <p>Its time is the recorder's clock (the engine's {@link InstantSource}), so a test that moves
 * that clock decides when the spill delay has passed and when the next probe is due.
 *
 * <p>Runs on: the {@code cronloop-recorder} thread; {@link #degraded()} and {@link #spilled()} are
 * safe from any thread.
 */
final class Outage {
  // Logs as Recorder, as it did before outages had a class of their own.
  private static final Logger log = LoggerFactory.getLogger(Recorder.class);

  /** How long the database may fail before outcomes go to the journal. */
  static final Duration DEFAULT_SPILL_AFTER = Duration.ofSeconds(30);
  private static final Duration PROBE_EVERY = Duration.ofSeconds(1);

  private final DataSource dataSource;
  private final Rejections rejections;
  private final AtomicLong errors;
  private Journal journal;
  private Duration spillAfter = DEFAULT_SPILL_AFTER;
  private InstantSource clock = InstantSource.system();
  private Instant failingSince; // null: no outage
  private Instant nextProbe = Instant.MIN;
  private volatile boolean degraded;
  private final AtomicLong spilled = new AtomicLong();

  /**
   * @param errors the recorder's count of unexpected errors, which a failed replay adds to
   */
  Outage(DataSource dataSource, Rejections rejections, AtomicLong errors) {
    this.dataSource = dataSource;
    this.rejections = rejections;
    this.errors = errors;
  }

  /** Reads the time from {@code clock}; call before the recorder starts. */
  void clock(InstantSource clock) {
    this.clock = clock;
  }

  /** Spills to {@code file} once the database has failed for longer than {@code after}. */
  void spillTo(Path file, Duration after) {
    if (after.isNegative()) {
      throw new IllegalArgumentException("spill delay must be >= 0, got " + after);
    }
    this.journal = new Journal(file);
    this.spillAfter = after;
  }

  /** True while outcomes go to the journal because the database is away. */
  boolean degraded() {
    return degraded;
  }

  /** Writes appended to the journal since start. */
  long spilled() {
    return spilled.get();
  }

  /** A write to the database committed: no outage (or it is over). */
  void over() {
    failingSince = null;
  }

  /** A write of {@code writes} outcomes failed because the database is away; may switch to the journal. */
  void failed(int writes, Exception e) {
    Instant now = clock.instant();
    if (failingSince == null) {
      failingSince = now;
      log.warn("database write of {} outcomes failed ({}); retrying with backoff{}", writes, e.toString(),
          journal == null ? "" : ", spilling to " + journal.file() + " after " + spillAfter.toSeconds() + " s");
    } else {
      log.debug("database write of {} outcomes failed again ({})", writes, e.toString());
    }
    if (journal != null && Duration.between(failingSince, now).compareTo(spillAfter) >= 0) {
      degraded = true;
      nextProbe = now.plus(PROBE_EVERY);
      log.warn("DEGRADED: the database has been away for {} s; outcomes now go to {} and are replayed"
          + " when it is back; /ready answers 503 meanwhile", awaySeconds(now), journal.file());
    }
  }

  /** Appends to the journal, then tries to replay it when a probe is due. */
  boolean trySpill(List<Write> batch) {
    try {
      journal.append(batch);
    } catch (IOException e) {
      log.error("cannot append {} outcomes to {} ({}); retrying", batch.size(), journal.file(), e.toString());
      return false;
    }
    spilled.addAndGet(batch.size());
    tryRecover();
    return true;
  }

  /** When a probe is due, replays the journal; success ends degraded mode. */
  void tryRecover() {
    Instant now = clock.instant();
    if (now.isBefore(nextProbe)) {
      return;
    }
    nextProbe = now.plus(PROBE_EVERY);
    try {
      int replayed = journal.replay(dataSource, rejections, clock);
      degraded = false;
      log.warn("database back after {} s: {} outcomes replayed from {}; writing to the database again",
          awaySeconds(now), replayed, journal.file());
      failingSince = null;
    } catch (SQLException | IOException e) {
      log.debug("journal replay failed ({}); the database is still away", e.toString());
    } catch (RuntimeException e) { // the journal keeps its writes; the next probe tries again
      errors.incrementAndGet();
      log.error("journal replay of {} failed on an unexpected error; still degraded, trying again in {} s",
          journal.file(), PROBE_EVERY.toSeconds(), e);
    }
  }

  /** At stop: one last replay when degraded, and a WARN naming what waits for the next start. */
  void lastReplay() {
    if (degraded) {
      nextProbe = Instant.MIN;
      tryRecover();
    }
    if (degraded) {
      log.warn("stopping with the database away: {} outcomes wait in {}; the next start replays them",
          journal.entries(), journal.file());
    }
  }

  /** Whole seconds the database has been away at {@code now}. */
  private long awaySeconds(Instant now) {
    return failingSince == null ? 0 : Math.max(0, Duration.between(failingSince, now).toSeconds());
  }

  void close() {
    if (journal != null) {
      journal.close();
    }
  }
}
