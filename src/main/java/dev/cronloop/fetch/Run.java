package dev.cronloop.fetch;

import dev.cronloop.definition.JobDefinition;
import dev.cronloop.definition.RequestSpec;
import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Fire;
import dev.cronloop.model.Outcome;
import dev.cronloop.model.RunObserver;
import dev.cronloop.model.RunResult;
import dev.cronloop.model.RunStatus;
import dev.cronloop.record.Recorder;
import dev.cronloop.record.RunRow;
import dev.cronloop.record.Write;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One run of one job: its requests go out with at most {@code concurrency} in flight, each
 * outcome is recorded as it arrives, and the run completes when its last row is committed.
 *
 * <p>Confined to its lane's context ({@code loop}): its requests, their outcomes, its end and the
 * recorder's word that the end committed all come to it there.
 */
final class Run implements Limiter.Taker {
  private final long id;
  private final Fire fire;
  private final String node;
  private final List<RequestSpec> requests;
  private final Fetcher fetcher;
  private final Limiter limiter;
  private final Recorder recorder;
  private final RunObserver observer;
  private final Promise<RunResult> result = Promise.promise();
  private final Promise<Void> ended = Promise.promise();
  private final Set<Integer> inFlight = new HashSet<>();
  private final Context loop;
  private final InstantSource clock;
  private Instant startedAt;
  private int next;
  private int ok;
  private int failed;
  private boolean cancelled;
  private boolean finished;

  Run(long id, Fire fire, String node, Context loop, Fetcher fetcher, Limiter limiter, Recorder recorder,
      RunObserver observer, InstantSource clock) {
    this.clock = clock;
    this.id = id;
    this.loop = loop;
    this.fire = fire;
    this.node = node;
    this.requests = fire.job().requests();
    this.fetcher = fetcher;
    this.limiter = limiter;
    this.recorder = recorder;
    this.observer = observer;
  }

  long id() {
    return id;
  }

  JobDefinition job() {
    return fire.job();
  }

  /** Completes when the run's last row is committed. */
  Future<RunResult> result() {
    return result.future();
  }

  /**
   * Completes when the run's requests are over and its final row is queued: from then on the
   * run no longer counts as running for the overlap policy, whatever the database's pace.
   */
  Future<Void> ended() {
    return ended.future();
  }

  /**
   * Starts the run: records it RUNNING with its {@code started_at}, and queues its requests behind
   * the tasks already on the loop. The fires of one instant are started one after the other on the
   * loop; if each sent its requests first, the last would start only after every request of the
   * others. Room for the run's two own writes (start and finish) must have been reserved.
   */
  void start() {
    startedAt = clock.instant();
    recorder.submit(new Write.InsertRun(row(RunStatus.RUNNING)));
    loop.runOnContext(v -> { // loop-internal: defer the requests behind the other runs' starts
      pump();
      finishIfDone();
    });
  }

  /** True while the run has requests to start and room under its own concurrency. */
  @Override
  public boolean wantsMore() {
    return !cancelled && next < requests.size() && inFlight.size() < job().concurrency();
  }

  @Override
  public int nextBodyChars() {
    return next < requests.size() ? bodyChars(next) : 0;
  }

  /** The body budget request {@code index} reserves: what its {@code capture} may keep. */
  private int bodyChars(int index) {
    RequestSpec r = requests.get(index);
    return r.capture().wanted() ? (int) r.capture().maxBytes() : 0;
  }

  /** Starts the next request with a slot the limiter granted. */
  @Override
  public void startOne() {
    int index = next++;
    inFlight.add(index);
    observer.fetchStarting(id, job().id(), requests.get(index).url());
    fetcher
        .fetch(id, job().id(), requests.get(index), job().retries())
        .onComplete(done -> ended(index, done.result()));
  }

  /**
   * Stops the run: requests not started are not sent, requests in flight are recorded CANCELLED
   * now (their late answers are dropped), and the run ends CANCELLED.
   */
  void cancel() {
    if (cancelled || finished) {
      return;
    }
    cancelled = true;
    limiter.leave(this);
    Instant now = clock.instant();
    for (int index : inFlight) {
      RequestSpec r = requests.get(index);
      recorder.submit(
          new Write.InsertFetch(
              new FetchRow(
                  id, job().id(), r.urlAsWritten(), r.method(), 1, 0, Outcome.CANCELLED, "run cancelled",
                  0, 0, now, now)),
          bodyChars(index));
      failed++;
    }
    finishIfDone();
  }

  private void pump() {
    while (wantsMore() && limiter.tryAcquire(this)) {
      startOne();
    }
  }

  private void ended(int index, FetchRow row) {
    limiter.release();
    if (!inFlight.remove(index)) {
      return;
    }
    if (cancelled) {
      return;
    }
    if (row == null) {
      row = new FetchRow(id, job().id(), requests.get(index).urlAsWritten(), requests.get(index).method(),
          1, 0, Outcome.HTTP_ERROR, "internal error", 0, 0, clock.instant(), clock.instant());
    }
    recorder.submit(new Write.InsertFetch(row), bodyChars(index));
    observer.fetchEnded(row);
    if (row.ok()) {
      ok++;
    } else {
      failed++;
    }
    pump();
    finishIfDone();
  }

  private void finishIfDone() {
    if (finished) {
      return;
    }
    boolean allDone = cancelled ? true : next == requests.size() && inFlight.isEmpty();
    if (!allDone) {
      return;
    }
    if (cancelled) {
      inFlight.clear();
    }
    finished = true;
    RunStatus status = cancelled ? RunStatus.CANCELLED : RunStatus.of(ok, failed);
    recorder.submit(
        new Write.FinishRun(id, startedAt, clock.instant(), status, requests.size(), ok, failed),
        this::onLane,
        committed -> result.complete(
            new RunResult(id, job().id(), status, requests.size(), ok, failed, startedAt, committed)));
    ended.complete();
  }

  /** Runs {@code task} on the run's lane: the recorder tells the run there that its end committed. */
  private void onLane(Runnable task) {
    loop.runOnContext(v -> task.run()); // recorder thread → the run's lane
  }

  private RunRow row(RunStatus status) {
    return new RunRow(id, job().id(), node, fire.trigger(), fire.scheduledAt(), fire.firedAt(),
        startedAt, null, status, requests.size(), 0, 0);
  }
}
