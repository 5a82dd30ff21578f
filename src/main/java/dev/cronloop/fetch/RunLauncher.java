package dev.cronloop.fetch;

import dev.cronloop.definition.Overlap;
import dev.cronloop.model.Fire;
import dev.cronloop.model.RunObserver;
import dev.cronloop.model.RunResult;
import dev.cronloop.model.RunStatus;
import dev.cronloop.record.Recorder;
import dev.cronloop.record.RunIds;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns fires into runs on the engine context, applying each job's overlap policy to the
 * asynchronous run itself (Quartz only sees the hand-off, which returns at once).
 *
 * <ul>
 *   <li>{@code allow}: another run starts beside the running one.
 *   <li>{@code skip}: a SKIPPED run is recorded and the running one goes on.
 *   <li>{@code replace}: the running one is cancelled, then the new one starts.
 *   <li>{@code queue}: one fire waits and starts when the running one ends; a fire that finds
 *       one already waiting is recorded SKIPPED.
 * </ul>
 *
 * <p>Confined to the engine context.
 */
public final class RunLauncher {
  private final Vertx vertx;
  private final Context loop;
  private final String node;
  private final RunIds ids;
  private final Recorder recorder;
  private final Limiter limiter;
  private final Fetcher fetcher;
  private final RunObserver observer;
  private final InstantSource clock;
  private final Map<String, Set<Run>> running = new HashMap<>();
  private final Map<String, Waiting> queued = new HashMap<>();
  private final List<Promise<Void>> idleWaiters = new ArrayList<>();
  private boolean closed;
  private int active;

  public RunLauncher(
      Vertx vertx, Context loop, HttpClients clients, String node, RunIds ids, Recorder recorder,
      int maxInFlight, RunObserver observer) {
    this(vertx, loop, clients, node, ids, recorder, maxInFlight, observer, InstantSource.system());
  }

  /** A launcher whose runs read the time from {@code clock} (the engine's clock). */
  public RunLauncher(
      Vertx vertx, Context loop, HttpClients clients, String node, RunIds ids, Recorder recorder,
      int maxInFlight, RunObserver observer, InstantSource clock) {
    this.clock = clock;
    this.vertx = vertx;
    this.loop = loop;
    this.node = node;
    this.ids = ids;
    this.recorder = recorder;
    this.limiter = new Limiter(maxInFlight, recorder);
    this.fetcher = new Fetcher(vertx, clients, clock);
    this.observer = observer;
  }

  /**
   * Launches every fire of one instant, in order; a job with {@code jitter} starts after a random
   * delay up to it.
   */
  public void launchAll(List<Fire> fires) {
    for (Fire f : fires) {
      Duration jitter = f.job().jitter();
      if (jitter.isZero() || f.skipped()) {
        launch(f);
      } else {
        long delay = 1 + ThreadLocalRandom.current().nextLong(Math.max(1, jitter.toMillis()));
        vertx.setTimer(delay, id -> launch(f));
      }
    }
  }

  /**
   * Launches one fire. The Future tells how the run ended once its last row is committed; a
   * skipped fire yields a SKIPPED result.
   */
  public Future<RunResult> launch(Fire fire) {
    return launch(fire, null);
  }

  /**
   * Launches one fire and completes {@code allocated} with its run id as soon as the id is taken,
   * before any request goes out (and even when the fire waits behind a running one or is skipped).
   * The run id is taken first so that a caller such as {@code POST /api/jobs/{id}/trigger} can
   * answer at once; the overlap policy then decides what the run does.
   *
   * @param allocated told the run id, or failed when the launcher is closed; may be null
   */
  public Future<RunResult> launch(Fire fire, Promise<Long> allocated) {
    requireOnLoop();
    if (closed) {
      String why = "the engine is shutting down; fire of " + fire.job().id() + " not run";
      if (allocated != null) {
        allocated.tryFail(why);
      }
      return Future.failedFuture(why);
    }
    return ids.next()
        .andThen(taken -> {
          if (allocated != null) {
            allocated.handle(taken);
          }
        })
        .compose(id -> dispatch(id, fire));
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

  /** Runs in progress. */
  public int active() {
    return active;
  }

  /** Requests in flight across all runs. */
  public int inFlight() {
    return limiter.inFlight();
  }

  /** Completes when no run is in progress. */
  public Future<Void> idle() {
    requireOnLoop();
    if (active() == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    idleWaiters.add(p);
    return p.future();
  }

  /** Stops accepting fires; a fire still waiting behind a running one is recorded SKIPPED. */
  public void close() {
    requireOnLoop();
    closed = true;
    ids.close();
    List<Waiting> waiting = List.copyOf(queued.values());
    queued.clear();
    waiting.forEach(w -> skip(w.id(), w.fire().skipped("the engine was shutting down")).onComplete(w.result()));
  }

  /** Cancels every run in progress; completes when their rows are queued. */
  public Future<Void> cancelAll() {
    requireOnLoop();
    running.values().stream().flatMap(Set::stream).toList().forEach(Run::cancel);
    return idle();
  }

  private Future<RunResult> start(long id, Fire fire) {
    Promise<RunResult> result = Promise.promise();
    limiter.whenRecorderRoom(2, () -> begin(id, fire, result));
    return result.future();
  }

  private void begin(long id, Fire fire, Promise<RunResult> result) {
    Run run = new Run(id, fire, node, loop, fetcher, limiter, recorder, observer, clock);
    running.computeIfAbsent(fire.job().id(), k -> new LinkedHashSet<>()).add(run);
    active++;
    observer.runStarting(id, fire.job().id(), fire.trigger(), fire.scheduledAt());
    run.ended().onComplete(done -> ended(run));
    run.result().onSuccess(observer::runEnded).onComplete(result);
    run.start();
  }

  private void ended(Run run) {
    String job = run.job().id();
    Set<Run> runs = running.get(job);
    runs.remove(run);
    active--;
    if (runs.isEmpty()) {
      running.remove(job);
      Waiting next = queued.remove(job);
      if (next != null) {
        start(next.id(), next.fire()).onComplete(next.result());
      }
    }
    if (active() == 0) {
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
    limiter.whenRecorderRoom(1, () -> recordSkip(id, fire, result));
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
          "RunLauncher is confined to the engine context, called on " + Thread.currentThread().getName());
    }
  }
}
