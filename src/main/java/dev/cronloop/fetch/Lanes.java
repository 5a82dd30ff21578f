package dev.cronloop.fetch;

import dev.cronloop.model.Fire;
import dev.cronloop.model.RunObserver;
import dev.cronloop.model.RunResult;
import dev.cronloop.record.Recorder;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where runs live: one lane per event loop of the engine's Vert.x (up to the processors), each a
 * context of its own on its own event loop with its own {@link RunLauncher}, {@link Limiter},
 * {@link Fetcher} and {@link HttpClients} (so its own connection pools). The fires of one instant
 * no longer leave one event loop one after the other: each lane sends its share.
 *
 * <p>A job belongs to one lane for the engine's life, the one a hash of its id picks; its
 * scheduled fires and its manual triggers all go there, so the overlap bookkeeping of a job
 * ({@code RunLauncher.running}, {@code queued}) stays on one thread, and so do all of a job's
 * {@link RunObserver} calls. The engine context posts each lane its slice of an instant's fires in
 * one task ({@link #launchAll}), not one task per fire.
 *
 * <p>What lanes share: the run ids (taken on the engine context before a fire goes to its lane,
 * so they keep rising with time), the bound on requests in flight ({@link Slots}, lock-free), the
 * recorder (thread-safe; it tells each run on its own lane that its end committed) and the
 * observers (thread-safe for events of different jobs at once, see {@link RunObserver}). A
 * client's connections per host are split between the lanes, in shares that add up to {@code
 * maxConnectionsPerHost} (so never more lanes than that): the engine keeps at most the number
 * configured, and one job, on one lane, its lane's share.
 *
 * <p>Runs on: built, {@link #launchAll}, {@link #drain} and the counts on the engine context;
 * {@link #launch} from any thread; each lane's parts on its lane. The lanes' contexts are made with
 * Vert.x's internal {@code ContextBuilder} (the public API has no way to ask for a context on a
 * given event loop); a Vert.x that is not a {@code VertxInternal} gets one lane.
 */
public final class Lanes {
  private static final Logger log = LoggerFactory.getLogger(Lanes.class);

  private final Vertx vertx;
  private final List<Lane> lanes;
  private final Slots slots;

  private Lanes(Vertx vertx, List<Lane> lanes, Slots slots) {
    this.vertx = vertx;
    this.lanes = lanes;
    this.slots = slots;
  }

  /**
   * The lanes of an engine on {@code vertx}: call on the engine context.
   *
   * @param most lanes at most, or 0 for one per event loop up to the processors
   * @param maxConnectionsPerHost connections to one host and port across the lanes, per HTTP version
   * @param maxInFlight requests in flight across the lanes
   */
  public static Lanes open(Vertx vertx, int most, int maxConnectionsPerHost, int maxInFlight, String node,
      Recorder recorder, RunObserver observer, InstantSource clock) {
    int wanted = most > 0 ? most : Math.max(1, Runtime.getRuntime().availableProcessors());
    // No more lanes than connections per host: every lane needs one.
    List<Context> contexts = contexts(vertx, Math.max(1, Math.min(wanted, maxConnectionsPerHost)));
    int n = contexts.size();
    Slots slots = new Slots(maxInFlight);
    List<Lane> lanes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Context c = contexts.get(i);
      // The shares add up to the bound: 3 over two lanes is 2 and 1.
      int perHost = maxConnectionsPerHost / n + (i < maxConnectionsPerHost % n ? 1 : 0);
      HttpClients clients = new HttpClients(vertx, perHost);
      lanes.add(new Lane(c, clients, new RunLauncher(vertx, c, clients, node, recorder, slots, observer, clock)));
    }
    return new Lanes(vertx, List.copyOf(lanes), slots);
  }

  /** One new event-loop context on each event loop of {@code vertx}, up to {@code max}. */
  private static List<Context> contexts(Vertx vertx, int max) {
    if (!(vertx instanceof VertxInternal internal)) {
      return List.of(vertx.getOrCreateContext());
    }
    List<Context> contexts = new ArrayList<>();
    for (EventExecutor loop : internal.nettyEventLoopGroup()) {
      if (contexts.size() == max) {
        break;
      }
      contexts.add(internal.contextBuilder().withEventLoop((EventLoop) loop).build());
    }
    return contexts;
  }

  /** How many lanes there are. */
  public int size() {
    return lanes.size();
  }

  /** The lane of {@code jobId}: a stable hash of the id, mixed so that ids alike spread evenly. */
  int indexOf(String jobId) {
    int h = jobId.hashCode(); // murmur3's finalizer
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return Math.floorMod(h, lanes.size());
  }

  /** On the engine context: each lane gets its slice of {@code tickets}, in order, in one task. */
  void launchAll(List<Ticket> tickets) {
    List<List<Ticket>> slices = slices(tickets, t -> t.fire().job().id());
    for (int i = 0; i < lanes.size(); i++) {
      Lane lane = lanes.get(i);
      List<Ticket> slice = slices.get(i);
      if (!slice.isEmpty()) {
        lane.post(() -> lane.launcher().launchAll(slice)); // engine context → the lane
      }
    }
  }

  /**
   * On the engine context: each lane primes the first requests of its slice of {@code fires}, due
   * at a later instant ({@link PrimedRequests}), in one task, up to its share of the free slots:
   * no more are primed in all than could be sent.
   */
  void prime(List<Fire> fires) {
    List<List<Fire>> slices = slices(fires, f -> f.job().id());
    int share = slots.free() / lanes.size();
    for (int i = 0; i < lanes.size(); i++) {
      Lane lane = lanes.get(i);
      List<Fire> slice = slices.get(i);
      if (!slice.isEmpty()) {
        lane.post(() -> lane.launcher().prime(slice, share)); // engine context → the lane
      }
    }
  }

  /** {@code items} split by the lane of their job, each slice in the order given. */
  private <T> List<List<T>> slices(List<T> items, Function<T, String> jobId) {
    if (lanes.size() == 1) {
      return List.of(items);
    }
    List<List<T>> slices = new ArrayList<>(lanes.size());
    for (int i = 0; i < lanes.size(); i++) {
      slices.add(new ArrayList<>());
    }
    items.forEach(t -> slices.get(indexOf(jobId.apply(t))).add(t));
    return slices;
  }

  /** From any thread: launches one fire on its job's lane; the Future tells how the run ended. */
  Future<RunResult> launch(Ticket ticket) {
    Lane lane = lanes.get(indexOf(ticket.fire().job().id()));
    Promise<RunResult> ended = Promise.promise();
    lane.post(() -> lane.launcher().launch(ticket).onComplete(ended)); // caller → the job's lane
    return ended.future();
  }

  /** Requests in flight across the lanes, as last written on each; any thread. */
  int inFlight() {
    int n = 0;
    for (Lane l : lanes) {
      n += l.launcher().inFlight();
    }
    return n;
  }

  /** Runs in progress across the lanes, as last written on each; any thread. */
  int active() {
    int n = 0;
    for (Lane l : lanes) {
      n += l.launcher().active();
    }
    return n;
  }

  /**
   * On the engine context: closes every lane's launcher (a fire still waiting behind a running
   * one is recorded SKIPPED), lets the runs in flight finish for up to {@code grace}, then cancels
   * the rest. Completes, on some lane, when no lane has a run in progress.
   */
  Future<Void> drain(Duration grace) {
    List<Future<Void>> idle = new ArrayList<>(lanes.size());
    lanes.forEach(l -> idle.add(l.close()));
    int running = active();
    if (running > 0) {
      log.info("waiting up to {} s for {} runs in flight", grace.toSeconds(), running);
    }
    long timer = vertx.setTimer(Math.max(1, grace.toMillis()), id -> {
      log.warn("grace period over: cancelling {} runs", active());
      lanes.forEach(l -> l.post(l.launcher()::cancelAll)); // engine context → each lane
    });
    return Future.all(idle).andThen(done -> vertx.cancelTimer(timer)).mapEmpty();
  }

  /** Closes every lane's HTTP clients; any thread. */
  public Future<Void> close() {
    List<Future<Void>> closed = new ArrayList<>(lanes.size());
    lanes.forEach(l -> closed.add(l.clients().close()));
    return Future.join(closed).mapEmpty();
  }

  /** One lane: its context, its clients and the launcher confined to it. */
  private record Lane(Context context, HttpClients clients, RunLauncher launcher) {
    void post(Runnable task) {
      context.runOnContext(v -> task.run());
    }

    /** Closes the launcher on the lane; completes when it has no run in progress. */
    Future<Void> close() {
      Promise<Void> idle = Promise.promise();
      post(() -> {
        launcher.close();
        launcher.idle().onComplete(idle);
      });
      return idle.future();
    }
  }
}
