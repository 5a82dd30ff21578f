package dev.cronloop.fetch;

import dev.cronloop.record.Recorder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine-wide limit on requests in flight, shared fairly between runs, and the gate that
 * keeps the recorder from overflowing.
 *
 * <p>A request may start when a global slot is free and the recorder has room for its outcome
 * and the body it may capture (reserved now, so the loop never waits on the queue later). When
 * either is missing, the run joins a round-robin line: each freed slot goes to the run at the head, which then goes to the
 * back if it wants more. A 100,000-URL job therefore gets one slot per turn, like every other job,
 * and a 1-URL job never waits behind more than one request of each other run.
 *
 * <p>The limiter knows runs only as {@link Taker}s, so it depends on nothing in this package: a
 * run asks for slots and the limiter starts a taker's next request when its turn comes.
 *
 * <p>Confined to the engine context.
 */
final class Limiter {

  /** What waits in line for slots: one run. Called on the engine context. */
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

  private final int max;
  private final Recorder recorder;
  private final ArrayDeque<Taker> line = new ArrayDeque<>();
  private final List<Runnable> roomWaiters = new ArrayList<>();
  private boolean askedForRoom;
  private int inFlight;

  Limiter(int max, Recorder recorder) {
    if (max < 1) {
      throw new IllegalArgumentException("max in flight must be >= 1, got " + max);
    }
    this.max = max;
    this.recorder = recorder;
  }

  /** Takes a slot for one request of {@code run}, or puts the run in line and returns false. */
  boolean tryAcquire(Taker run) {
    if (line.isEmpty() && inFlight < max && recorder.tryReserve(1, run.nextBodyChars())) {
      inFlight++;
      return true;
    }
    join(run);
    grant();
    return false;
  }

  /** Gives back the slot of a request that ended, and hands it on. */
  void release() {
    inFlight--;
    grant();
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

  int inFlight() {
    return inFlight;
  }

  int waiting() {
    return line.size();
  }

  private void join(Taker run) {
    if (!line.contains(run)) {
      line.add(run);
    }
  }

  private void grant() {
    while (inFlight < max && !line.isEmpty()) {
      if (!recorder.tryReserve(1, line.peek().nextBodyChars())) {
        askRecorder();
        return;
      }
      Taker run = line.poll();
      inFlight++;
      run.startOne();
      if (run.wantsMore()) {
        line.add(run);
      }
    }
  }

  private void askRecorder() {
    if (askedForRoom) {
      return;
    }
    askedForRoom = true;
    recorder.whenRoom(this::roomFreed);
  }

  private void roomFreed() {
    askedForRoom = false;
    List<Runnable> waiters = new ArrayList<>(roomWaiters);
    roomWaiters.clear();
    waiters.forEach(Runnable::run);
    grant();
  }
}
