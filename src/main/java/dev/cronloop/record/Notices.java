package dev.cronloop.record;

import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * What the recorder tells its producers, always through the callback executor (the engine
 * context): that the write ending a run committed, and that room was freed.
 *
 * <p>Runs on: any thread; the notices themselves run on the callback executor.
 */
final class Notices {
  private final Executor callbacks;
  /** Who waits for which run end to commit; keyed by identity, as two ends may be equal values. */
  private final Map<Write.FinishRun, Consumer<Instant>> commitWaiters =
      Collections.synchronizedMap(new IdentityHashMap<>());
  private volatile Runnable roomWaiter;

  Notices(Executor callbacks) {
    this.callbacks = callbacks;
  }

  /** Remembers that {@code onCommitted} waits for {@code finish}; call before queueing it. */
  void awaitCommit(Write.FinishRun finish, Consumer<Instant> onCommitted) {
    commitWaiters.put(finish, onCommitted);
  }

  /** Forgets the waiter of a write that was not queued after all. */
  void forget(Write.FinishRun finish) {
    commitWaiters.remove(finish);
  }

  /** Tells whoever waits for {@code finish} that it committed (or was given up) {@code at}. */
  void committed(Write.FinishRun finish, Instant at) {
    Consumer<Instant> waiter = commitWaiters.remove(finish);
    if (waiter != null) {
      callbacks.execute(() -> waiter.accept(at));
    }
  }

  /** Sets the one waiter told, once, at the next {@link #roomFreed()}. */
  void awaitRoom(Runnable notice) {
    roomWaiter = notice;
  }

  /** Tells the room waiter, if any, that room was freed. */
  void roomFreed() {
    Runnable waiter = roomWaiter;
    if (waiter != null) {
      roomWaiter = null;
      callbacks.execute(waiter);
    }
  }
}
