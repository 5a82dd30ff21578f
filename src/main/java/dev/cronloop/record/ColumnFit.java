package dev.cronloop.record;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import dev.cronloop.model.RunStatus;
import dev.cronloop.model.Trigger;
import java.time.Instant;

/**
 * Makes a refused write fit the outcome tables: strings cut to their column's width with {@link
 * #MARKER}, NUL characters (which PostgreSQL text cannot hold) removed, and required values that
 * are missing filled in. The widths are those of {@code V1__runs_and_fetches.sql} (and {@code
 * V5__fetch_bodies.sql} for the captured body).
 *
 * <p>Pure; used only after the database refused a write, never on the way of a batch that
 * commits.
 */
final class ColumnFit {
  /** Ends a value that was cut to its column. */
  static final String MARKER = "…[cut]";
  static final int JOB_ID = 255;
  static final int NODE = 255;
  static final int URL = 4096;
  static final int METHOD = 16;
  static final int ERROR = 1024;
  static final int REASON = 255;
  /** {@code fetches.body}, of {@code V5__fetch_bodies.sql}. */
  static final int BODY = 66_560;

  private ColumnFit() {}

  /**
   * The write with every value made to fit, or null when nothing had to change; {@code now} stands
   * in for a run's missing fire instant.
   */
  static Write fit(Write w, Instant now) {
    Write fitted = w;
    if (w instanceof Write.InsertRun r) {
      fitted = new Write.InsertRun(fit(r.run(), now));
    } else if (w instanceof Write.InsertFetch f) {
      fitted = new Write.InsertFetch(fit(f.fetch()));
    }
    return fitted.equals(w) ? null : fitted;
  }

  /**
   * The row that stands for a fetch the database refused: what could be kept, outcome {@link
   * Outcome#RECORD_ERROR} and the database's message.
   */
  static Write.InsertFetch recordError(FetchRow f, String message, Instant now) {
    Instant finished = sane(f.finishedAt()) ? f.finishedAt() : now;
    Instant started = sane(f.startedAt()) ? f.startedAt() : finished;
    int status = f.statusCode() >= 100 && f.statusCode() <= 999 ? f.statusCode() : 0;
    return new Write.InsertFetch(new FetchRow(f.runId(), text(f.jobId(), JOB_ID, "?"), text(f.url(), URL, ""),
        text(f.method(), METHOD, "?"), Math.max(0, f.attempts()), status, Outcome.RECORD_ERROR,
        text("not recorded as it was: " + message, ERROR, null), Math.max(0, f.latencyMs()),
        Math.max(0, f.bytes()), started, finished));
  }

  /** An instant every database can store (years 1 to 9999). */
  private static boolean sane(Instant t) {
    return t != null && t.isAfter(Instant.parse("0001-01-02T00:00:00Z")) && t.isBefore(Instant.parse("9999-12-30T00:00:00Z"));
  }

  private static RunRow fit(RunRow r, Instant now) {
    Instant fired = r.firedAt() != null ? r.firedAt() : r.startedAt() != null ? r.startedAt() : now;
    return new RunRow(r.id(), text(r.jobId(), JOB_ID, "?"), text(r.node(), NODE, "?"),
        r.trigger() != null ? r.trigger() : Trigger.MANUAL, r.scheduledAt(), fired, r.startedAt(),
        r.finishedAt(), r.status() != null ? r.status() : RunStatus.INTERRUPTED, r.requestsTotal(),
        r.requestsOk(), r.requestsFailed(), text(r.reason(), REASON, null));
  }

  private static FetchRow fit(FetchRow f) {
    return new FetchRow(f.runId(), text(f.jobId(), JOB_ID, "?"), text(f.url(), URL, ""),
        text(f.method(), METHOD, "?"), f.attempts(), f.statusCode(), f.outcome() != null ? f.outcome() : Outcome.RECORD_ERROR,
        text(f.error(), ERROR, null), f.latencyMs(), f.bytes(), f.startedAt(), f.finishedAt(),
        text(f.body(), BODY, null));
  }

  /** {@code s} without NUL characters and cut to {@code width}; {@code absent} when null. */
  static String text(String s, int width, String absent) {
    if (s == null) {
      return absent;
    }
    String clean = s.indexOf('\0') < 0 ? s : s.replace("\0", "");
    if (clean.length() <= width) {
      return clean;
    }
    int keep = width - MARKER.length();
    if (Character.isHighSurrogate(clean.charAt(keep - 1))) {
      keep--;
    }
    return clean.substring(0, keep) + MARKER;
  }
}
