package dev.cronloop.fetch;

import dev.cronloop.record.Recorder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One lane's share of the engine-wide limit on requests in flight, handed fairly to its runs, and
 * the gate that keeps the recorder from overflowing.
 *
 * <p>A request may start when a slot of the engine-wide bound ({@link Slots}) is free and the
 * recorder has room for its outcome and the body it may capture (reserved now, so the loop never waits on the queue later).
 * When either is missing, the run joins a round-robin line: each slot this lane gets goes to the
 * run at the head, which then goes to the back if it wants more. A 100,000-URL job therefore gets
 * one slot per turn, like every other job of its lane, and a 1-URL job never waits behind more
 * than one request of each other run. Between lanes, {@link Slots} hands a freed slot to the lane
 * that has waited longest.
 *
 * <p>The limiter knows runs only as {@link Taker}s, so it depends on nothing in this package: a
 * run asks for slots and the limiter starts a taker's next request when its turn comes.
 *
 * <p>Confined to its lane's context, but for {@link #inFlight()} (any thread) and the slots'
 * line mark; a slot another lane frees for it reaches it through {@code lane}.
 */
final class Limiter {

  /** What waits in line for slots: one run. Called on the lane's context. */
  interface Taker {
    /** True while it has requests to start and room under its own concurrency. */
    boolean wantsMore();

    /** Starts its next request with a slot the limiter granted. */
    void startOne();

    /** The characters of body its next request may capture (0 for none): reserved with its slot. */
    int nextBodyChars();
  }

  /** Default number of requests in flight across all runs. */
  static final int DEFAULT_MAX_IN_FLIGHT = 1_000;

  private final Slots slots;
  private final Recorder recorder;
  private final Executor lane;
  private final ArrayDeque<Taker> line = new ArrayDeque<>();
  private final List<Runnable> roomWaiters = new ArrayList<>();
  /** True while this limiter is in the line of {@link Slots}; set and cleared on any lane. */
  private final AtomicBoolean inSlotsLine = new AtomicBoolean();
  private boolean askedForRoom;
  /** Written on the lane only; volatile for the engine context's once-a-second sample. */
  private volatile int inFlight;

  /** A limiter taking slots from {@code slots}; {@code lane} runs a task on this limiter's lane. */
  Limiter(Slots slots, Recorder recorder, Executor lane) {
    this.slots = slots;
    this.recorder = recorder;
    this.lane = lane;
  }

  /** Takes a slot for one request of {@code run}, or puts the run in line and returns false. */
  boolean tryAcquire(Taker run) {
    if (line.isEmpty() && slots.tryTake()) {
      if (recorder.tryReserve(1, run.nextBodyChars())) {
        inFlight++;
        return true;
      }
      handOn();
      join(run);
      askRecorder();
      return false;
    }
    join(run);
    grant();
    return false;
  }

  /** Gives back the slot of a request that ended, and hands it on. */
  void release() {
    inFlight--;
    Limiter next = slots.free(null);
    if (next == this) {
      handed();
    } else if (next != null) {
      next.lane.execute(next::handed); // this lane → the lane that waited for a slot
    } else {
      grant();
    }
  }

  /** Leaves the line, for a run that was cancelled. */
  void leave(Taker run) {
    line.remove(run);
  }

  /** Runs {@code r} once the recorder has room for {@code n} writes, reserving them. */
  void whenRecorderRoom(int n, Runnable r) {
    if (recorder.tryReserve(n)) {
      r.run();
      return;
    }
    roomWaiters.add(() -> whenRecorderRoom(n, r));
    askRecorder();
  }

  /** Requests of this lane in flight; any thread. */
  int inFlight() {
    return inFlight;
  }

  int waiting() {
    return line.size();
  }

  /** Marks this limiter as in the slots' line; false when it already was. Any thread. */
  boolean enterLine() {
    return inSlotsLine.compareAndSet(false, true);
  }

  /** The slots' line let this limiter go, with a slot or past it. Any thread. */
  void leftLine() {
    inSlotsLine.set(false);
  }

  private void join(Taker run) {
    if (!line.contains(run)) {
      line.add(run);
    }
  }

  /** Starts requests of the line while slots are free; waits in the slots' line when none is. */
  private void grant() {
    while (!line.isEmpty()) {
      if (!slots.tryTake() && !slots.waitFor(this)) {
        return;
      }
      if (!useSlot()) {
        return;
      }
    }
  }

  /** On this lane: a slot freed here or on another lane is this limiter's now. */
  private void handed() {
    if (useSlot()) {
      grant();
    }
  }

  /**
   * With a slot held: starts the next request of the run at the head of the line. When there is
   * none, or no room in the recorder, hands the slot on and returns false.
   */
  private boolean useSlot() {
    if (line.isEmpty() || !recorder.tryReserve(1, line.peek().nextBodyChars())) {
      handOn();
      if (!line.isEmpty()) {
        askRecorder();
      }
      return false;
    }
    Taker run = line.poll();
    inFlight++;
    run.startOne();
    if (run.wantsMore()) {
      line.add(run);
    }
    return true;
  }

  /** Gives a slot this limiter cannot use to the next limiter waiting, or back to the pool. */
  private void handOn() {
    Limiter next = slots.free(this);
    if (next != null) {
      next.lane.execute(next::handed); // this lane → the lane that waited for a slot
    }
  }

  private void askRecorder() {
    if (askedForRoom) {
      return;
    }
    askedForRoom = true;
    recorder.whenRoom(lane, this::roomFreed);
  }

  private void roomFreed() {
    askedForRoom = false;
    List<Runnable> waiters = new ArrayList<>(roomWaiters);
    roomWaiters.clear();
    waiters.forEach(Runnable::run);
    grant();
  }
}
