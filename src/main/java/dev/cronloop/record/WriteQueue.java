package dev.cronloop.record;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The recorder's bounded queue: producers reserve room first, so that queueing never blocks and
 * never fails, and the writer takes batches off it. Room is freed only once a batch is settled.
 *
 * <p>Room is counted twice: in writes, and in the characters of captured bodies (a body of up to
 * 64 KiB would otherwise let a queue of 50,000 writes hold some 3.2 GB). A fetch reserves what its
 * request may capture; queueing it gives back what its body did not use, or, for a body longer than
 * its reservation (a note on a binary body of a 1-byte capture), takes the difference even when it
 * overdraws the budget, so that queueing still never fails; the next reservations then wait.
 *
 * <p>Runs on: any thread for {@link #tryReserve}, {@link #offer} and the counts; the {@code
 * cronloop-recorder} thread for {@link #collect}.
 */
final class WriteQueue {
  static final int MAX_BATCH = 2_000;
  static final Duration LINGER = Duration.ofMillis(3);

  /** The largest body a request may capture (a job file's {@code capture} limit), in characters. */
  static final int LARGEST_BODY = 64 << 10;

  private final BlockingQueue<Write> queue;
  /** The writer while it waits for a first write in {@link #collect}, else null: any write wakes it. */
  private volatile Thread waiting;
  /** The writer while it lingers for more of a batch in {@link #collect}, else null: only a run's end wakes it. */
  private volatile Thread lingering;
  private volatile boolean woken;
  private final Semaphore room;
  private final Budget bodies;
  private final int bodyBudget;

  /** A semaphore whose permits may be overdrawn. */
  private static final class Budget extends Semaphore {
    private static final long serialVersionUID = 1L;

    Budget(int permits) {
      super(permits);
    }

    void overdraw(int n) {
      reducePermits(n);
    }
  }

  /**
   * @param capacity writes queued or reserved at once
   * @param bodyBudget characters of captured bodies queued or reserved at once
   */
  WriteQueue(int capacity, int bodyBudget) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.room = new Semaphore(capacity);
    this.bodies = new Budget(bodyBudget);
    this.bodyBudget = bodyBudget;
  }

  /**
   * Reserves room for {@code n} writes whose captured bodies hold at most {@code bodyChars}
   * characters together, without waiting; false when there is not enough of either.
   */
  boolean tryReserve(int n, int bodyChars) {
    if (!room.tryAcquire(n)) {
      return false;
    }
    if (bodyChars > 0 && !bodies.tryAcquire(fit(bodyChars))) {
      room.release(n);
      return false;
    }
    return true;
  }

  /**
   * Queues a write for which room was reserved, {@code reservedChars} of it for its body: what the
   * body does not use is given back at once.
   */
  void offer(Write write, int reservedChars) {
    int reserved = fit(reservedChars);
    int used = bodyChars(write);
    if (used < reserved) {
      bodies.release(reserved - used);
    } else if (used > reserved) {
      bodies.overdraw(used - reserved);
    }
    if (!queue.offer(write)) {
      throw new IllegalStateException("recorder queue full although room was reserved");
    }
    unpark(waiting);
    if (write instanceof Write.FinishRun) {
      unpark(lingering);
    }
  }

  /**
   * Ends the writer's wait for a first write at once, for a stop: {@link #collect} then returns
   * empty-handed, and the writer sees it is stopping instead of at the end of its wait.
   */
  void wake() {
    woken = true;
    unpark(waiting);
    unpark(lingering);
  }

  /**
   * Wakes {@code writer} when it waits ({@link #waiting} for a first write, {@link #lingering} for
   * a run's end). It announces its wait before it looks at the queue, and a producer queues before
   * it looks for a waiter: one of the two sees the other, so no such write waits out the wait (an
   * unpark before the park makes the park return at once).
   */
  private static void unpark(Thread writer) {
    if (writer != null) {
      LockSupport.unpark(writer);
    }
  }

  /** Frees the room of settled writes. */
  void free(List<Write> settled) {
    int chars = 0;
    for (Write w : settled) {
      chars += bodyChars(w);
    }
    room.release(settled.size());
    if (chars > 0) {
      bodies.release(chars);
    }
  }

  /**
   * True when one more write fits, with the largest body: a waiter told of room then gets its
   * reservation rather than asking again at once.
   */
  boolean hasRoom() {
    return room.availablePermits() > 0 && bodies.availablePermits() >= fit(LARGEST_BODY);
  }

  /** A reservation no larger than the whole budget, so that one always fits an empty queue. */
  private int fit(int bodyChars) {
    return Math.min(bodyChars, bodyBudget);
  }

  private static int bodyChars(Write w) {
    return w instanceof Write.InsertFetch f && f.fetch().body() != null ? f.fetch().body().length() : 0;
  }

  /** Writes queued and not yet taken. */
  int depth() {
    return queue.size();
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /**
   * Takes the next batch into {@code batch}: what is queued, lingering up to {@link #LINGER} for
   * more unless the batch already ends a run, at most {@link #MAX_BATCH}. Waits up to 100 ms for a
   * first write; when {@code stopping}, takes only what is queued, without waiting.
   */
  void collect(List<Write> batch, boolean stopping) throws InterruptedException {
    if (stopping) {
      queue.drainTo(batch, MAX_BATCH);
      return;
    }
    Write first = queue.poll();
    if (first == null) {
      first = awaitFirst();
      if (first == null) {
        return;
      }
    }
    batch.add(first);
    long deadline = System.nanoTime() + LINGER.toNanos();
    while (batch.size() < MAX_BATCH) {
      if (queue.drainTo(batch, MAX_BATCH - batch.size()) > 0) {
        continue;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || endsRun(batch) || woken) {
        return;
      }
      linger(left);
    }
  }

  /**
   * Waits up to {@code nanos} for more of a batch, or until a run's end is queued. Not {@code
   * queue.poll(timeout)}: each write then woke the writer for itself alone, a thread wake-up per
   * fetch on the producing event loop (7 % of its time in a fire of 50,000 URLs) and as many on the
   * writer's side.
   */
  private void linger(long nanos) throws InterruptedException {
    lingering = Thread.currentThread();
    try {
      if (queue.isEmpty()) {
        LockSupport.parkNanos(this, nanos);
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
    } finally {
      lingering = null;
    }
  }

  /**
   * Waits up to 100 ms for a write, or until {@link #wake}; null when none came. Not {@code
   * queue.poll(timeout)}: only a write would end that wait, and a stopping recorder then waited
   * for its timeout, a tenth of a second of every one-off fire.
   */
  private Write awaitFirst() throws InterruptedException {
    waiting = Thread.currentThread();
    try {
      if (queue.isEmpty() && !woken) {
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
    } finally {
      waiting = null;
    }
    return queue.poll();
  }

  private static boolean endsRun(List<Write> batch) {
    return batch.get(batch.size() - 1) instanceof Write.FinishRun;
  }
}
