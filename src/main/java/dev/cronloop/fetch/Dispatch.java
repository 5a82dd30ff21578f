package dev.cronloop.fetch;

import dev.cronloop.definition.JobDefinition;
import dev.cronloop.model.Fire;
import dev.cronloop.model.RunObserver;
import dev.cronloop.model.RunResult;
import dev.cronloop.record.Fence;
import dev.cronloop.record.PausedJobs;
import dev.cronloop.record.Recorder;
import dev.cronloop.record.RunIds;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's loop side: where fires go once on the engine context, forward only. Scheduled fires
 * come from the hand-off ({@code bridge.FireHandoff}) into {@link #admit}: lease guard → start gate
 * → pause filter → launcher. A manual trigger enters the same path at the launcher ({@link
 * #trigger}). It also drains the runs on close.
 *
 * <p>Confined to the engine context, except {@link #trigger}, which posts to it.
 */
public final class Dispatch {
  private static final Logger log = LoggerFactory.getLogger(Dispatch.class);

  /** What the dispatch counts; {@code server.Metrics} is one. Called on the engine context. */
  public interface Meter {
    void handedOver(Fire fire);

    void fired(Fire fire);

    void sample(int requestsInFlight, int runsActive);

    void counts(int requestsInFlight, int runsActive);
  }

  private final Vertx vertx;
  private final Context loop;
  private final Meter meter;
  private final Supplier<PausedJobs> paused;
  private final RunLauncher launcher;
  private final StartGate gate;
  private final LeaseGuard guard;
  private final long sampler;
  private final InstantSource clock;

  /**
   * The dispatch of an engine on {@code loop}: it launches runs with ids from {@code ids}, records
   * them with {@code recorder}, and leaves out the fires of jobs {@code paused} names.
   */
  public Dispatch(Vertx vertx, Context loop, HttpClients clients, String node, RunIds ids, Recorder recorder,
      int maxInFlight, Fence fence, Supplier<PausedJobs> paused, Meter meter, RunObserver observer,
      InstantSource clock) {
    this.clock = clock;
    this.vertx = vertx;
    this.loop = loop;
    this.meter = meter;
    this.paused = paused;
    this.launcher = new RunLauncher(vertx, loop, clients, node, ids, recorder, maxInFlight, observer, clock);
    this.gate = new StartGate(LoopTimer.of(vertx), clock, this::launchScheduled);
    this.guard = new LeaseGuard(fence, gate);
    this.sampler = vertx.setPeriodic(1_000, t -> meter.sample(launcher.inFlight(), launcher.active()));
  }

  /** On the engine context: the fires one hand-off brought, in the lease term it saw. */
  public void admit(Fence.Term handedIn, List<Fire> fires) {
    fires.forEach(meter::handedOver);
    guard.admit(handedIn, fires);
  }

  /**
   * Fires {@code job} now, from any thread: completes with the run id as soon as it is taken, and
   * {@code result} with how the run ended. Not a Quartz crossing: the caller is the API or an
   * embedder, and this post is how it reaches the engine context.
   */
  public Future<Long> trigger(JobDefinition job, Promise<RunResult> result) {
    Promise<Long> id = Promise.promise();
    loop.runOnContext(v -> { // caller thread → engine context (manual trigger, not Quartz)
      Fire fire = Fire.manual(job, clock.instant());
      meter.fired(fire);
      launcher.launch(fire, id).onComplete(result);
    });
    return id.future();
  }

  /**
   * On the engine context: launches the fires of one instant, in order (with each job's jitter);
   * the fires of paused jobs are recorded SKIPPED with the pause as their reason, and none is
   * launched when this node's lease no longer holds in the term they were handed over in ({@link
   * LeaseGuard}).
   */
  private void launchScheduled(List<Fire> fires) {
    List<Fire> due = new ArrayList<>(fires.size());
    for (Fire fire : guard.launchable(fires)) {
      Optional<PausedJobs.Pause> pause = paused.get().get(fire.job().id());
      if (pause.isPresent()) {
        due.add(fire.skipped(pause.get().reason()));
        continue;
      }
      meter.fired(fire);
      due.add(fire);
    }
    launcher.launchAll(due);
  }

  /**
   * Stops launching and lets the runs in flight finish for up to {@code grace}, then cancels the
   * rest (DESIGN.md, "Shutdown"). Callable from any thread; completes when no run is active.
   */
  public Future<Void> drain(Duration grace) {
    Promise<Void> drained = Promise.promise();
    loop.runOnContext(v -> drainOnLoop(grace, drained)); // closing thread → engine context
    return drained.future();
  }

  private void drainOnLoop(Duration grace, Promise<Void> drained) {
    vertx.cancelTimer(sampler);
    int held = gate.close();
    if (held > 0) {
      log.info("{} fires handed over ahead of their instant not run: the engine is closing", held);
    }
    launcher.close();
    int active = launcher.active();
    if (active > 0) {
      log.info("waiting up to {} s for {} runs in flight", grace.toSeconds(), active);
    }
    long timer = vertx.setTimer(Math.max(1, grace.toMillis()), id -> {
      log.warn("grace period over: cancelling {} runs", launcher.active());
      launcher.cancelAll();
    });
    launcher.idle().onComplete(done -> {
      vertx.cancelTimer(timer);
      meter.counts(launcher.inFlight(), launcher.active());
      drained.complete();
    });
  }
}
