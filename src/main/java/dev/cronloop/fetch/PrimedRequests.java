package dev.cronloop.fetch;

import dev.cronloop.definition.RequestSpec;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A lane's requests primed ahead of their instant. Fires reach the engine {@code
 * TriggerLayer.HANDOFF_LEAD} before their instant; the lane uses that time to take each first
 * request's connection from the pool and build the request on it ({@link Exchange#prime()}), so
 * that at the instant only the write is left. Of the work a request costs the event loop, the
 * pool and the request's making are two thirds (src/docs/benchmarks.md, "Primed requests"):
 * done ahead, the fires of one instant all leave sooner.
 *
 * <p>A primed request is never written before its fire's run asks for it: {@link #take} hands it
 * to the run's first attempt, which releases it. One its run did not take when the instant's runs
 * started (no free slot under {@code maxInFlight}, a run waiting for room in the recorder), or
 * within {@link #UNUSED_AFTER} of its instant (its fire was skipped, paused or cancelled, or the
 * engine closed), is reset unsent: its connection goes back to the pool. So a primed request holds
 * a connection from the hand-off to the start of its instant's runs, about the 250 ms lead; no
 * more are primed than there are free slots. A primed request whose connection failed or closed is not
 * handed out: the attempt starts afresh, as it would have without priming.
 *
 * <p>Requests are matched by their {@link RequestSpec} instance: a job reloaded in between has new
 * ones, and the old primed ones run out unused. Confined to the lane's context.
 */
final class PrimedRequests {
  /** How long after its instant a primed request waits for its run before it is reset. */
  static final Duration UNUSED_AFTER = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final HttpClients clients;
  private final InstantSource clock;
  private final Map<RequestSpec, ArrayDeque<Exchange>> bySpec = new IdentityHashMap<>();
  private final Map<Instant, List<Primed>> byInstant = new HashMap<>();

  PrimedRequests(Vertx vertx, HttpClients clients, InstantSource clock) {
    this.vertx = vertx;
    this.clients = clients;
    this.clock = clock;
  }

  /**
   * Primes {@code r} for a fire at {@code at}; false for a request over HTTP/2, which is not
   * primed: in Vert.x 5.0 the reset of a request whose stream was never made does not give its
   * connection's stream back, and such a request does not hear of its connection closing.
   */
  boolean prime(RequestSpec r, Instant at) {
    if (HttpClients.speaksH2(r.protocol(), r.url().regionMatches(true, 0, "https:", 0, 6))) {
      return false;
    }
    Exchange x = new Exchange(vertx, clients, clock, r);
    bySpec.computeIfAbsent(r, k -> new ArrayDeque<>(2)).add(x);
    byInstant.computeIfAbsent(at, this::expireAt).add(new Primed(r, x));
    x.prime();
    return true;
  }

  /** The oldest usable primed attempt of {@code r}, or null; unusable ones met on the way are dropped. */
  Exchange take(RequestSpec r) {
    ArrayDeque<Exchange> q = bySpec.get(r);
    if (q == null) {
      return null;
    }
    Exchange found = null;
    while (found == null && !q.isEmpty()) {
      Exchange x = q.poll();
      if (x.primed()) {
        found = x;
      } else {
        x.discard();
      }
    }
    if (q.isEmpty()) {
      bySpec.remove(r);
    }
    return found;
  }

  /** Primed requests a run could take now: not taken, and their connection good so far. */
  int ready() {
    int n = 0;
    for (ArrayDeque<Exchange> q : bySpec.values()) {
      for (Exchange x : q) {
        n += x.primed() ? 1 : 0;
      }
    }
    return n;
  }

  /** Primed requests not yet taken. */
  int size() {
    int n = 0;
    for (ArrayDeque<Exchange> q : bySpec.values()) {
      n += q.size();
    }
    return n;
  }

  /** Resets every primed request not taken, for a lane that closes. */
  void discardAll() {
    bySpec.values().forEach(q -> q.forEach(Exchange::discard));
    bySpec.clear();
    byInstant.clear();
  }

  private List<Primed> expireAt(Instant at) {
    long delayMs = Math.max(1, Duration.between(clock.instant(), at.plus(UNUSED_AFTER)).toMillis());
    vertx.setTimer(delayMs, id -> expire(at));
    return new ArrayList<>();
  }

  /**
   * Resets the requests primed for {@code at} that no run took: called once the runs of that
   * instant have started (their first requests taken), or by the timer {@link #UNUSED_AFTER} after
   * it for fires that never started.
   */
  void expire(Instant at) {
    List<Primed> primed = byInstant.remove(at);
    if (primed == null) {
      return;
    }
    for (Primed p : primed) {
      ArrayDeque<Exchange> q = bySpec.get(p.spec());
      if (q != null && q.remove(p.exchange()) && q.isEmpty()) {
        bySpec.remove(p.spec());
      }
      p.exchange().discard(); // a no-op for one taken and released
    }
  }

  private record Primed(RequestSpec spec, Exchange exchange) {}
}
