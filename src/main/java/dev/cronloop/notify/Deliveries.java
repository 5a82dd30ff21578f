package dev.cronloop.notify;

import dev.cronloop.definition.Catalog;
import dev.cronloop.definition.Channel;
import dev.cronloop.record.NoticeStore;
import dev.cronloop.record.NoticeStore.Attempt;
import dev.cronloop.record.NoticeStore.Notice;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notices and pings on a context of its own, off the engine's critical path: each
 * delivery is tried, and tried again with exponential backoff until it succeeds or {@code giveUp}
 * has passed since its first attempt; every attempt is recorded ({@code notifications}) and
 * counted ({@code cronloop_notifications_total}).
 *
 * <p>The queue is bounded: at most {@code capacity} deliveries are under way. A notice that finds
 * no room stays PENDING in the database, where the periodic sweep ({@link NoticeStore#pending})
 * finds it again, as it finds the notices a killed process left; a ping that finds no room is
 * counted as dropped. A notice is never under way twice on one node.
 *
 * <p>Confined to its own context (a verticle's); {@link #deliver} and {@link #ping} are safe from
 * any thread and post to it.
 */
final class Deliveries extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(Deliveries.class);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

  /** Counts each attempt: {@code result} is {@code ok}, {@code failed} or {@code dropped}. */
  @FunctionalInterface
  interface Meter {
    void notified(String channel, String event, String result);
  }

  private final NoticeStore store;
  private final Supplier<Catalog> catalog;
  private final Notifier.Settings settings;
  private final Meter meter;
  private final InstantSource clock;
  private final Set<String> underWay = new HashSet<>();
  private Senders senders;
  private int pings;
  private boolean closed;
  private boolean sweepFailing;

  Deliveries(NoticeStore store, Supplier<Catalog> catalog, Notifier.Settings settings, Meter meter,
      InstantSource clock) {
    this.store = store;
    this.catalog = catalog;
    this.settings = settings;
    this.meter = meter;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    senders = new Senders(vertx, settings.timeout());
    sweep();
    vertx.setPeriodic(settings.sweepEvery().toMillis(), t -> sweep());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    closed = true;
    return senders.close();
  }

  /** Starts delivering stored notices. Any thread. */
  void deliver(List<Notice> notices) {
    if (!notices.isEmpty()) {
      context.runOnContext(v -> notices.forEach(n -> begin(
          new Delivery(n.id(), n.jobId(), n.runId(), n.event(), n.channel(), n.payload(), n.attempts()))));
    }
  }

  /** Starts a ping. Any thread. */
  void ping(Delivery d) {
    context.runOnContext(v -> begin(d));
  }

  /** Asks the store for the notices this node owes that are not under way. */
  private void sweep() {
    if (closed) {
      return;
    }
    store.pending().whenComplete((notices, e) -> {
      if (e != null) {
        if (!sweepFailing) {
          log.warn("cannot read the pending notices; trying again in {} s: {}", settings.sweepEvery().toSeconds(),
              e.getMessage());
        }
        sweepFailing = true;
        return;
      }
      sweepFailing = false;
      deliver(notices);
    });
  }

  private void begin(Delivery d) {
    if (closed || (d.noticeId() != null && underWay.contains(d.noticeId()))) {
      return;
    }
    if (underWay.size() + pings >= settings.capacity()) {
      if (d.noticeId() == null) {
        meter.notified(d.channel(), d.event(), "dropped");
      }
      return; // a notice stays PENDING: the sweep brings it back
    }
    if (d.noticeId() == null) {
      pings++;
    } else {
      underWay.add(d.noticeId());
    }
    attempt(d, d.attemptsBefore() + 1, clock.instant());
  }

  private void attempt(Delivery d, int n, Instant first) {
    if (closed) {
      end(d);
      return;
    }
    Catalog c = catalog.get();
    Channel channel = c == null ? null : c.channels().get(d.channel());
    Future<Void> sent = channel == null
        ? Future.failedFuture("channel \"" + d.channel() + "\" is no longer defined in a channels file")
        : senders.send(channel, d);
    sent.onComplete(ar -> attempted(d, n, first, ar.cause(), channel == null));
  }

  private void attempted(Delivery d, int n, Instant first, Throwable error, boolean gone) {
    Instant now = clock.instant();
    if (error == null) {
      record(d, n, null, now, "DELIVERED");
      meter.notified(d.channel(), d.event(), "ok");
      end(d);
      return;
    }
    meter.notified(d.channel(), d.event(), "failed");
    String why = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    boolean giveUp = gone || !now.isBefore(first.plus(settings.giveUp()));
    if (closed) { // the notice stays PENDING for the next start
      record(d, n, why, now, null);
      end(d);
    } else if (giveUp) {
      record(d, n, why, now, "FAILED");
      log.warn("{} of job \"{}\" (run {}) to channel \"{}\" given up after {} attempts: {}", d.event(), d.jobId(),
          d.runId(), d.channel(), n, why);
      end(d);
    } else {
      record(d, n, why, now, null);
      vertx.setTimer(backoff(settings.firstBackoff(), n).toMillis(), t -> attempt(d, n + 1, first));
    }
  }

  /** {@code first}, doubled for each attempt after the first, up to a minute. */
  static Duration backoff(Duration first, int attempt) {
    Duration d = first.multipliedBy(1L << Math.min(20, attempt - 1));
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }

  private void record(Delivery d, int n, String error, Instant at, String done) {
    store.attempt(new Attempt(d.noticeId(), d.jobId(), d.event(), d.channel(), n, error == null, error, at,
        d.noticeId() == null ? null : done))
        .whenComplete((v, e) -> {
          if (e != null && !closed) {
            log.warn("cannot record attempt {} of {} of job \"{}\" to channel \"{}\": {}", n, d.event(), d.jobId(),
                d.channel(), e.getMessage());
          }
        });
  }

  private void end(Delivery d) {
    if (d.noticeId() == null) {
      pings--;
    } else {
      underWay.remove(d.noticeId());
    }
  }
}
