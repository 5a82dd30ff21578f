package dev.cronloop.record;

import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * What the recorder tells its producers, each on the executor the producer named (its lane's
 * context, or the recorder's default executor): that the write ending a run committed, and that
 * room was freed.
 *
 * <p>Runs on: any thread; the notices themselves run on the executor given with each waiter.
 */
final class Notices {
  /** Who waits for which run end to commit; keyed by identity, as two ends may be equal values. */
  private final Map<Write.FinishRun, Waiter> commitWaiters =
      Collections.synchronizedMap(new IdentityHashMap<>());
  /** Who waits for room: one per producer at most (each lane's limiter asks once until told). */
  private final ConcurrentLinkedQueue<Runnable> roomWaiters = new ConcurrentLinkedQueue<>();

  private record Waiter(Executor where, Consumer<Instant> onCommitted) {}

  /**
   * Remembers that {@code onCommitted} waits for {@code finish}, to be told on {@code where}; call
   * before queueing it.
   */
  void awaitCommit(Write.FinishRun finish, Executor where, Consumer<Instant> onCommitted) {
    commitWaiters.put(finish, new Waiter(where, onCommitted));
  }

  /** Forgets the waiter of a write that was not queued after all. */
  void forget(Write.FinishRun finish) {
    commitWaiters.remove(finish);
  }

  /** Tells whoever waits for {@code finish} that it committed (or was given up) {@code at}. */
  void committed(Write.FinishRun finish, Instant at) {
    Waiter waiter = commitWaiters.remove(finish);
    if (waiter != null) {
      waiter.where().execute(() -> waiter.onCommitted().accept(at));
    }
  }

  /** Adds a waiter told, once, on {@code where} at the next {@link #roomFreed()}. */
  void awaitRoom(Executor where, Runnable notice) {
    roomWaiters.add(() -> where.execute(notice));
  }

  /** Tells every room waiter that room was freed. */
  void roomFreed() {
    for (Runnable waiter = roomWaiters.poll(); waiter != null; waiter = roomWaiters.poll()) {
      waiter.run();
    }
  }
}
