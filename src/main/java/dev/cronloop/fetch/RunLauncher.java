package dev.cronloop.fetch;

import dev.cronloop.definition.JobDefinition;
import dev.cronloop.definition.Overlap;
import dev.cronloop.model.Fire;
import dev.cronloop.model.RunObserver;
import dev.cronloop.model.RunResult;
import dev.cronloop.model.RunStatus;
import dev.cronloop.record.Recorder;
import dev.cronloop.record.RunRow;
import dev.cronloop.record.Write;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns the fires of one lane's jobs into runs, applying each job's overlap policy to the
 * asynchronous run itself (Quartz only sees the hand-off, which returns at once). Every fire of a
 * job comes to the same lane ({@link Lanes}), so the bookkeeping of a job's runs is all here.
 *
 * <ul>
 *   <li>{@code allow}: another run starts beside the running one.
 *   <li>{@code skip}: a SKIPPED run is recorded and the running one goes on.
 *   <li>{@code replace}: the running one is cancelled, then the new one starts.
 *   <li>{@code queue}: one fire waits and starts when the running one ends; a fire that finds
 *       one already waiting is recorded SKIPPED.
 * </ul>
 *
 * <p>Confined to its lane's context ({@code loop}), but for the counts {@link #active()} and
 * {@link #inFlight()}, read on the engine context.
 */
final class RunLauncher {
  private final Vertx vertx;
  private final Context loop;
  private final String node;
  private final Recorder recorder;
  private final Limiter limiter;
  private final Fetcher fetcher;
  private final RunObserver observer;
  private final InstantSource clock;
  private final Map<String, Set<Run>> running = new HashMap<>();
  private final Map<String, Waiting> queued = new HashMap<>();
  private final List<Promise<Void>> idleWaiters = new ArrayList<>();
  /** Fires waiting out their job's jitter, by timer id: they count as active. */
  private final Map<Long, Ticket> jittering = new HashMap<>();
  private boolean closed;
  /** Written on the lane only; volatile for the engine context's sample and drain. */
  private volatile int active;

  /**
   * A launcher on the lane {@code loop}, sending with {@code clients} (the lane's own), taking
   * request slots from {@code slots} (shared by every lane) and reading the time from {@code clock}.
   */
  RunLauncher(Vertx vertx, Context loop, HttpClients clients, String node, Recorder recorder, Slots slots,
      RunObserver observer, InstantSource clock) {
    this.clock = clock;
    this.vertx = vertx;
    this.loop = loop;
    this.node = node;
    this.recorder = recorder;
    this.limiter = new Limiter(slots, recorder, task -> loop.runOnContext(v -> task.run()));
    this.fetcher = new Fetcher(vertx, clients, clock);
    this.observer = observer;
  }

  /**
   * Launches the fires of one instant that hash to this lane, in order; a job with {@code jitter}
   * starts after a random delay up to it.
   */
  void launchAll(List<Ticket> tickets) {
    Set<Instant> instants = new HashSet<>();
    for (Ticket t : tickets) {
      if (t.fire().scheduledAt() != null) {
        instants.add(t.fire().scheduledAt());
      }
      Duration jitter = t.fire().job().jitter();
      if (jitter.isZero() || t.fire().skipped()) {
        launch(t);
      } else {
        long delay = 1 + ThreadLocalRandom.current().nextLong(Math.max(1, jitter.toMillis()));
        active++; // so that a drain waits for it, or skips it at the close
        jittering.put(vertx.setTimer(delay, id -> {
          if (jittering.remove(id) != null) {
            active--; // counted again at once by the launch
            launch(t);
          }
        }), t);
      }
    }
    // After the runs' first requests, which their starts queued on the loop: what they did not
    // take holds a connection for nothing
    loop.runOnContext(v -> instants.forEach(fetcher::expirePrimed)); // loop-internal: after the starts
  }

  /**
   * Primes the first requests of fires due at a later instant (as many as each job's {@code
   * concurrency} sends at once, and no more in all than {@code share}, the lane's part of the free
   * slots), for the fires that will start at their instant: not a job with jitter, nor one whose
   * overlap policy would hold or skip the fire behind a run still going.
   */
  void prime(List<Fire> fires, int share) {
    requireOnLoop();
    if (closed) {
      return;
    }
    int budget = share - fetcher.primedCount(); // this lane's share of the free slots
    for (Fire f : fires) {
      JobDefinition job = f.job();
      boolean waits = running.containsKey(job.id())
          && job.overlap() != Overlap.ALLOW && job.overlap() != Overlap.REPLACE;
      if (f.skipped() || f.scheduledAt() == null || !job.jitter().isZero() || waits) {
        continue;
      }
      int first = Math.min(job.requests().size(), job.concurrency());
      for (int i = 0; i < first && budget > 0; i++) {
        if (fetcher.prime(job.requests().get(i), f.scheduledAt())) {
          budget--;
        }
      }
    }
  }

  /**
   * Launches one fire with the run id it was given: the job's overlap policy decides what the run
   * does. The Future tells how the run ended once its last row is committed; a skipped fire (also
   * one that comes after {@link #close()}) yields a SKIPPED result.
   */
  Future<RunResult> launch(Ticket ticket) {
    requireOnLoop();
    return dispatch(ticket.runId(), ticket.fire());
  }

  private Future<RunResult> dispatch(long id, Fire fire) {
    if (fire.skipped() || closed) {
      return skip(id, fire.skipped() ? fire : fire.skipped("the engine was shutting down"));
    }
    Set<Run> current = running.getOrDefault(fire.job().id(), Set.of());
    if (current.isEmpty() || fire.job().overlap() == Overlap.ALLOW) {
      return start(id, fire);
    }
    return switch (fire.job().overlap()) {
      case SKIP -> skip(id, fire.skipped("overlap: skip; the previous run was still going"));
      case REPLACE -> {
        List.copyOf(current).forEach(Run::cancel);
        yield start(id, fire);
      }
      case QUEUE -> queue(id, fire);
      case ALLOW -> start(id, fire);
    };
  }

  /** Runs in progress; any thread. */
  int active() {
    return active;
  }

  /** Requests in flight across the lane's runs; any thread. */
  int inFlight() {
    return limiter.inFlight();
  }

  /** Completes when no run is in progress. */
  Future<Void> idle() {
    requireOnLoop();
    if (active() == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    idleWaiters.add(p);
    return p.future();
  }

  /**
   * Stops accepting fires; a fire still waiting behind a running one, or out its jitter, is
   * recorded SKIPPED. A jittered fire left to its timer would come after the drain and queue its
   * row in a recorder that had stopped, or in none.
   */
  void close() {
    requireOnLoop();
    closed = true;
    fetcher.discardPrimed();
    List<Ticket> held = List.copyOf(jittering.values());
    jittering.keySet().forEach(vertx::cancelTimer);
    jittering.clear();
    for (Ticket t : held) {
      active--; // counted again by the skip
      skip(t.runId(), t.fire().skipped("the engine was shutting down"));
    }
    List<Waiting> waiting = List.copyOf(queued.values());
    queued.clear();
    waiting.forEach(w -> skip(w.id(), w.fire().skipped("the engine was shutting down")).onComplete(w.result()));
  }

  /** Cancels every run in progress; completes when their rows are queued. */
  Future<Void> cancelAll() {
    requireOnLoop();
    running.values().stream().flatMap(Set::stream).toList().forEach(Run::cancel);
    return idle();
  }

  /**
   * A run counts as active from here, while it may still wait for room in the recorder, so that a
   * drain waits for it too: one that began after the drain found the lane idle would be left
   * RUNNING by an engine that had stopped.
   */
  private Future<RunResult> start(long id, Fire fire) {
    Promise<RunResult> result = Promise.promise();
    active++;
    limiter.whenRecorderRoom(2, () -> begin(id, fire, result));
    return result.future();
  }

  private void begin(long id, Fire fire, Promise<RunResult> result) {
    Run run = new Run(id, fire, node, loop, fetcher, limiter, recorder, observer, clock);
    running.computeIfAbsent(fire.job().id(), k -> new LinkedHashSet<>()).add(run);
    observer.runStarting(id, fire.job().id(), fire.trigger(), fire.scheduledAt());
    run.ended().onComplete(done -> ended(run));
    run.result().onSuccess(observer::runEnded).onComplete(result);
    run.start();
  }

  private void ended(Run run) {
    String job = run.job().id();
    Set<Run> runs = running.get(job);
    runs.remove(run);
    if (runs.isEmpty()) {
      running.remove(job);
      Waiting next = queued.remove(job);
      if (next != null) {
        start(next.id(), next.fire()).onComplete(next.result());
      }
    }
    settled();
  }

  /** A run or a skip counted active is over; the last one tells whoever waits for idle. */
  private void settled() {
    active--;
    if (active == 0) {
      idleWaiters.forEach(Promise::complete);
      idleWaiters.clear();
    }
  }

  private Future<RunResult> queue(long id, Fire fire) {
    if (queued.containsKey(fire.job().id())) {
      return skip(id, fire.skipped("overlap: queue; another fire was already waiting"));
    }
    Waiting w = new Waiting(id, fire, Promise.promise());
    queued.put(fire.job().id(), w);
    return w.result().future();
  }

  /** A fire of a {@code queue} job waiting for the running one to end. */
  private record Waiting(long id, Fire fire, Promise<RunResult> result) {}

  private Future<RunResult> skip(long id, Fire fire) {
    Promise<RunResult> result = Promise.promise();
    active++; // until its row is queued, for the same reason as a run's start
    limiter.whenRecorderRoom(1, () -> {
      recordSkip(id, fire, result);
      settled();
    });
    return result.future();
  }

  private void recordSkip(long id, Fire fire, Promise<RunResult> result) {
    Instant now = clock.instant();
    int total = fire.job().requests().size();
    recorder.submit(
        new Write.InsertRun(
            new RunRow(id, fire.job().id(), node, fire.trigger(), fire.scheduledAt(),
                fire.firedAt(), null, now, RunStatus.SKIPPED, total, 0, 0, reason(fire))));
    RunResult skipped = new RunResult(id, fire.job().id(), RunStatus.SKIPPED, total, 0, 0, now, now);
    observer.runEnded(skipped);
    result.complete(skipped);
  }

  /** What {@code runs.reason} says of a skipped fire; fits the column. */
  private static String reason(Fire fire) {
    String why = fire.reason() != null ? fire.reason()
        : fire.trigger() == dev.cronloop.model.Trigger.MISFIRE ? "missed its fire time (misfire: skip)"
        : null;
    return why == null || why.length() <= 255 ? why : why.substring(0, 254) + "…";
  }

  private void requireOnLoop() {
    if (Vertx.currentContext() != loop) {
      throw new IllegalStateException(
          "RunLauncher is confined to its lane's context, called on " + Thread.currentThread().getName());
    }
  }
}
