package dev.cronloop.fetch;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine-wide bound on requests in flight ({@code maxInFlight}), shared by the {@link Limiter}
 * of every lane. A limiter takes a slot for each request it starts; when none is free it waits in
 * this class's line of limiters, and the next slot freed anywhere is handed straight to the limiter
 * that has waited longest, on its own lane, instead of going back to the pool. So a lane whose runs
 * hold every slot cannot keep them from a lane that waits: while both want more, slots alternate
 * between them, and within a lane the limiter's round-robin line shares them between runs.
 *
 * <p>Why one bound rather than a share of it per lane: a lone big job lives on one lane, and a
 * share would cut it to {@code maxInFlight / lanes} (issue 5's fairness test, one 20,000-URL job
 * that fills the limit).
 *
 * <p>Runs on: any lane; lock-free. A limiter learns of a slot handed to it on its own lane.
 */
final class Slots {
  private final int max;
  private final AtomicInteger taken = new AtomicInteger();
  private final ConcurrentLinkedQueue<Limiter> waiting = new ConcurrentLinkedQueue<>();

  Slots(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max in flight must be >= 1, got " + max);
    }
    this.max = max;
  }

  /** Slots not taken now. */
  int free() {
    return Math.max(0, max - taken.get());
  }

  /** Takes a free slot; false when all are taken. */
  boolean tryTake() {
    while (true) {
      int n = taken.get();
      if (n >= max) {
        return false;
      }
      if (taken.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /**
   * Puts {@code limiter} in line for the next slot freed, then tries once more, as a slot may have
   * been freed since its last try: true when it got one now.
   */
  boolean waitFor(Limiter limiter) {
    if (limiter.enterLine()) {
      waiting.add(limiter);
    }
    return tryTake();
  }

  /**
   * Frees a slot: it goes to the limiter that has waited longest, other than {@code except}, which
   * holds it from now on and is returned; with no one waiting it goes back to the pool and null is
   * returned.
   */
  Limiter free(Limiter except) {
    for (Limiter next = waiting.poll(); next != null; next = waiting.poll()) {
      next.leftLine();
      if (next != except) {
        return next;
      }
    }
    taken.decrementAndGet();
    return null;
  }

  /** Slots taken, including those on their way to a limiter. */
  int taken() {
    return taken.get();
  }
}
