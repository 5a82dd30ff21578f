package dev.cronloop.record;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Whether this process may launch scheduled fires now: the deadline of its lease as the process
 * itself measures it, on its monotonic clock. The thread that renews the lease (a cluster node's
 * check-in, see {@code bridge.ClusterJobStore}) moves the deadline on after each renewal; the
 * engine reads it on its event loop right before it launches a scheduled fire.
 *
 * <p>A renewal that started at {@code t} makes the lease valid until {@code t + validFor}, where
 * {@code validFor} is shorter than the time after which the others may take this process's place
 * (see src/docs/cluster.md, "Fencing"): the renewal's write reaches the database after {@code t},
 * so this deadline always falls before theirs. A renewal that starts after the deadline has passed
 * opens a new <em>term</em>: fires handed over in an earlier term are never launched in a later
 * one, as the lease lapsed in between and another node may have taken them over.
 *
 * <p>{@link #lose} closes the fence for good: another process holds the lease now.
 *
 * <p>Runs on: any thread. The state is one immutable {@link Term} in a volatile field.
 */
public final class Fence {
  /**
   * One reading of the fence.
   *
   * @param number counts the terms: it changes each time the lease comes back after a lapse
   * @param validUntil the deadline, in {@link System#nanoTime()} terms
   * @param renewedAt when the last successful renewal started, in the same terms
   * @param lost true once another process took the lease: the fence never opens again
   * @param why what the last failed renewal said, for the log; null while all is well
   */
  public record Term(int number, long validUntil, long renewedAt, boolean lost, String why) {}

  private final LongSupplier nanos;
  private volatile Term term;

  /** A closed fence that opens at the first {@link #renewed}. */
  public Fence(LongSupplier nanos) {
    this.nanos = nanos;
    long now = nanos.getAsLong();
    this.term = new Term(0, now - 1, now, false, null);
  }

  /** A fence that is always open: for an engine that holds no lease (it schedules nothing). */
  public static Fence open() {
    Fence fence = new Fence(System::nanoTime);
    fence.term = new Term(1, Long.MAX_VALUE, System.nanoTime(), false, null);
    return fence;
  }

  /** The current term. */
  public Term term() {
    return term;
  }

  /** Now, on the fence's clock. */
  public long now() {
    return nanos.getAsLong();
  }

  /** True while {@code t} is the current term and its deadline has not passed. */
  public boolean holds(Term t) {
    Term current = term;
    return current.number == t.number && valid(current, nanos.getAsLong());
  }

  /** True while the current term is valid. */
  public boolean valid() {
    return valid(term, nanos.getAsLong());
  }

  /** True while term number {@code number} is current and valid. */
  public boolean holds(int number) {
    Term current = term;
    return current.number == number && valid(current, nanos.getAsLong());
  }

  /** True when {@code t} lets fires launch at {@code now}. */
  static boolean valid(Term t, long now) {
    return !t.lost && now - t.validUntil < 0;
  }

  /**
   * A renewal that started at {@code startedAt} (on the fence's clock) succeeded: the lease is
   * valid until {@code startedAt + validFor}. When the previous deadline had passed before the
   * renewal started, a new term begins.
   */
  public synchronized void renewed(long startedAt, Duration validFor) {
    Term t = term;
    if (t.lost) {
      return;
    }
    boolean lapsed = startedAt - t.validUntil >= 0;
    long until = startedAt + validFor.toNanos();
    term = new Term(lapsed ? t.number + 1 : t.number, lapsed || until - t.validUntil > 0 ? until : t.validUntil,
        startedAt, false, null);
  }

  /** A renewal failed: the deadline stays where it is, and {@code why} explains refusals. */
  public synchronized void failed(String why) {
    Term t = term;
    term = new Term(t.number, t.validUntil, t.renewedAt, t.lost, why);
  }

  /** Another process holds the lease now: closes the fence for good. */
  public synchronized void lose(String why) {
    Term t = term;
    term = new Term(t.number + 1, t.validUntil, t.renewedAt, true, why);
  }

  /** How long ago the last successful renewal started. */
  public Duration sinceRenewal(Term t) {
    return Duration.ofNanos(nanos.getAsLong() - t.renewedAt);
  }
}
