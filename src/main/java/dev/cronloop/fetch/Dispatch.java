package dev.cronloop.fetch;

import dev.cronloop.definition.JobDefinition;
import dev.cronloop.model.Fire;
import dev.cronloop.model.RunResult;
import dev.cronloop.record.Fence;
import dev.cronloop.record.PausedJobs;
import dev.cronloop.record.RunIds;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
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
 * → pause filter → run ids → the jobs' {@link Lanes}, where each lane's launcher applies the
 * overlap policy. While the gate holds a fire, its lane primes its first requests ({@link
 * PrimedRequests}). A manual trigger enters the same path at the run ids ({@link #trigger}). It also
 * drains the runs on close.
 *
 * <p>Confined to the engine context, except {@link #trigger} and {@link #drain}, which post to it.
 * The runs themselves live on the lanes.
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
  private final Lanes lanes;
  private final RunIds ids;
  private final StartGate gate;
  private final LeaseGuard guard;
  private final long sampler;
  private final InstantSource clock;
  private boolean closed;

  /**
   * The dispatch of an engine on {@code loop}: it numbers fires with run ids from {@code ids},
   * launches them on their jobs' {@code lanes}, and leaves out the fires of jobs {@code paused}
   * names.
   */
  public Dispatch(Vertx vertx, Context loop, Lanes lanes, RunIds ids, Fence fence, Supplier<PausedJobs> paused,
      Meter meter, InstantSource clock) {
    this.clock = clock;
    this.vertx = vertx;
    this.loop = loop;
    this.meter = meter;
    this.paused = paused;
    this.lanes = lanes;
    this.ids = ids;
    this.gate = new StartGate(LoopTimer.of(vertx), clock, this::launchScheduled, this::prime);
    this.guard = new LeaseGuard(fence, gate);
    this.sampler = vertx.setPeriodic(1_000, t -> meter.sample(lanes.inFlight(), lanes.active()));
  }

  /** On the engine context: the fires one hand-off brought, in the lease term it saw. */
  public void admit(Fence.Term handedIn, List<Fire> fires) {
    fires.forEach(meter::handedOver);
    guard.admit(handedIn, fires);
  }

  /**
   * Fires {@code job} now, from any thread: completes with the run id as soon as it is taken, and
   * {@code result} with how the run ended. Not a Quartz crossing: the caller is the API or an
   * embedder, and this post is how it reaches the engine context, which takes the run id and
   * passes the fire on to the job's lane.
   */
  public Future<Long> trigger(JobDefinition job, Promise<RunResult> result) {
    Promise<Long> id = Promise.promise();
    loop.runOnContext(v -> triggerOnLoop(job, id, result)); // caller thread → engine context (manual trigger)
    return id.future();
  }

  private void triggerOnLoop(JobDefinition job, Promise<Long> id, Promise<RunResult> result) {
    Fire fire = Fire.manual(job, clock.instant());
    meter.fired(fire);
    if (closed) {
      String why = "the engine is shutting down; fire of " + job.id() + " not run";
      id.fail(why);
      result.fail(why);
      return;
    }
    ids.next()
        .andThen(id)
        .onSuccess(runId -> lanes.launch(new Ticket(runId, fire)).onComplete(result))
        .onFailure(result::fail);
  }

  /**
   * On the engine context: fires held for their instant have their lanes prime their first
   * requests, but for paused jobs, whose fires will be skipped.
   */
  private void prime(List<Fire> held) {
    PausedJobs pausedNow = paused.get();
    List<Fire> running = new ArrayList<>(held.size());
    for (Fire f : held) {
      if (pausedNow.get(f.job().id()).isEmpty()) {
        running.add(f);
      }
    }
    lanes.prime(running);
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
    launchNumbered(due);
  }

  /**
   * Takes a run id for each fire, here, so that ids rise with time across lanes, and hands the
   * fires to their lanes in one task per lane. Ids come from the current block at once; a fire
   * that must wait for the next block (a slow or absent database) goes to its lane alone once it
   * has one, or, when the engine closes first, is not run ({@link RunIds#close()}).
   */
  private void launchNumbered(List<Fire> fires) {
    List<Ticket> ready = new ArrayList<>(fires.size());
    for (Fire fire : fires) {
      Future<Long> id = ids.next();
      if (id.succeeded()) {
        ready.add(new Ticket(id.result(), fire));
      } else {
        id.onSuccess(runId -> lanes.launch(new Ticket(runId, fire)))
            .onFailure(e -> log.info("fire of {} for {} not run: {}", fire.job().id(), fire.scheduledAt(), e.getMessage()));
      }
    }
    lanes.launchAll(ready);
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
    closed = true;
    int held = gate.close();
    if (held > 0) {
      log.info("{} fires handed over ahead of their instant not run: the engine is closing", held);
    }
    ids.close();
    lanes.drain(grace).onComplete(done -> loop.runOnContext(v -> drained(drained))); // last lane → engine context
  }

  private void drained(Promise<Void> drained) {
    meter.counts(lanes.inFlight(), lanes.active());
    drained.complete();
  }
}
