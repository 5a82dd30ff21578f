package dev.cronloop.record;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The recorder's bounded queue: producers reserve room first, so that queueing never blocks and
 * never fails, and the writer takes batches off it. Room is freed only once a batch is settled.
 *
 * <p>Runs on: any thread for {@link #tryReserve}, {@link #offer} and the counts; the {@code
 * cronloop-recorder} thread for {@link #collect}.
 */
final class WriteQueue {
  static final int MAX_BATCH = 2_000;
  static final Duration LINGER = Duration.ofMillis(3);

  private final BlockingQueue<Write> queue;
  private final Semaphore room;

  WriteQueue(int capacity) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.room = new Semaphore(capacity);
  }

  /** Reserves room for {@code n} writes without waiting; false when there is not enough. */
  boolean tryReserve(int n) {
    return room.tryAcquire(n);
  }

  /** Queues a write for which room was reserved. */
  void offer(Write write) {
    if (!queue.offer(write)) {
      throw new IllegalStateException("recorder queue full although room was reserved");
    }
  }

  /** Frees the room of {@code n} settled writes. */
  void free(int n) {
    room.release(n);
  }

  boolean hasRoom() {
    return room.availablePermits() > 0;
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
    Write first = queue.poll(100, TimeUnit.MILLISECONDS);
    if (first == null) {
      return;
    }
    batch.add(first);
    long deadline = System.nanoTime() + LINGER.toNanos();
    while (batch.size() < MAX_BATCH) {
      if (queue.drainTo(batch, MAX_BATCH - batch.size()) > 0) {
        continue;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || endsRun(batch)) {
        return;
      }
      Write next = queue.poll(left, TimeUnit.NANOSECONDS);
      if (next == null) {
        return;
      }
      batch.add(next);
    }
  }

  private static boolean endsRun(List<Write> batch) {
    return batch.get(batch.size() - 1) instanceof Write.FinishRun;
  }
}
