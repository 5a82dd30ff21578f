package dev.cronloop.record;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the database refused because of their data, counted and logged once per job and cause.
 * A refusal is held until its transaction commits ({@link #commit}) and forgotten when it rolls
 * back ({@link #discard}), so a batch retried after an outage is not counted twice.
 *
 * <p>Logging: the first refusal of a job for one SQLState logs one WARN (with how many writes of
 * that batch shared it); later ones log at DEBUG and are only counted, in {@code
 * cronloop_recorder_rejected_total}. A job writing thousands of over-long URLs is one line, not
 * thousands.
 *
 * <p>Confined to the recorder thread (or the thread replaying a journal at start); {@link
 * #count()} may be read from any thread.
 */
final class Rejections {
  private static final Logger log = LoggerFactory.getLogger(Recorder.class);
  private static final int MAX_REMEMBERED = 10_000;

  /** What became of a refused write. */
  enum Fate {
    CUT("recorded made to fit: values cut to their column and marked " + ColumnFit.MARKER
        + ", NUL characters removed"),
    RECORD_ERROR("recorded as fetch rows with outcome RECORD_ERROR and the database's message"),
    DROPPED("not recorded"),
    LOST("not recorded: an unexpected error ended their batch");

    final String words;

    Fate(String words) {
      this.words = words;
    }
  }

  private record Pending(String jobId, String cause, String message, Fate fate) {}

  private final List<Pending> pending = new ArrayList<>();
  private final Set<String> warned = new HashSet<>();
  private final AtomicLong count = new AtomicLong();

  /** Notes that {@code w} was refused with {@code error} and what became of it. */
  void add(Write w, Throwable error, Fate fate) {
    pending.add(new Pending(ColumnFit.text(jobId(w), 100, "?"), SqlFault.cause(error), SqlFault.message(error), fate));
  }

  /** The refusals noted since the last commit or discard did not happen: the transaction rolled back. */
  void discard() {
    pending.clear();
  }

  /** The transaction holding the noted refusals committed: counts and logs them. */
  int commit() {
    int n = pending.size();
    if (n == 0) {
      return 0;
    }
    Map<String, List<Pending>> byKey = new LinkedHashMap<>();
    for (Pending p : pending) {
      byKey.computeIfAbsent(p.jobId() + '\0' + p.cause() + '\0' + p.fate(), k -> new ArrayList<>()).add(p);
    }
    for (Map.Entry<String, List<Pending>> e : byKey.entrySet()) {
      Pending p = e.getValue().get(0);
      if (warned.size() >= MAX_REMEMBERED) {
        warned.clear();
      }
      if (warned.add(e.getKey())) {
        log.warn("job \"{}\": the database refused {} write(s) ({}: {}); {}; further refusals of this job for"
            + " this cause are only counted in cronloop_recorder_rejected_total. Fix the job (a value"
            + " longer than its column, or a character the database cannot hold) or the table",
            p.jobId(), e.getValue().size(), p.cause(), p.message(), p.fate().words);
      } else {
        log.debug("job \"{}\": {} more write(s) refused ({}: {}); {}", p.jobId(), e.getValue().size(), p.cause(),
            p.message(), p.fate().words);
      }
    }
    pending.clear();
    count.addAndGet(n);
    return n;
  }

  /** Counts {@code writes} lost to an unexpected error (already logged by the caller). */
  void lost(int writes) {
    count.addAndGet(writes);
  }

  /** Writes refused since start (cut, replaced, dropped or lost). */
  long count() {
    return count.get();
  }

  private static String jobId(Write w) {
    if (w instanceof Write.InsertRun r) {
      return r.run().jobId();
    }
    if (w instanceof Write.InsertFetch f) {
      return f.fetch().jobId();
    }
    return "run " + ((Write.FinishRun) w).runId();
  }
}
