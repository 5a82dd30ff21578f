package dev.cronloop.notify;

import dev.cronloop.definition.Catalog;
import dev.cronloop.definition.Channel;
import dev.cronloop.definition.JobDefinition;
import dev.cronloop.definition.Notify;
import dev.cronloop.model.FetchRow;
import dev.cronloop.model.RunObserver;
import dev.cronloop.model.RunHealth;
import dev.cronloop.model.RunResult;
import dev.cronloop.model.RunStatus;
import dev.cronloop.notify.HealthRules.Policy;
import dev.cronloop.notify.HealthRules.Step;
import dev.cronloop.record.NoticeStore;
import dev.cronloop.record.NoticeStore.NewNotice;
import dev.cronloop.record.NoticeStore.Transition;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells people when a job starts failing, keeps failing and recovers (issue 16;
 * src/docs/notifications.md). As a {@link RunObserver} it tallies the failed fetches of runs of
 * jobs that notify and, when such a run ends, hands it to the {@link NoticeStore}, which moves the
 * job's health by {@link HealthRules} and stores the notices owed in one transaction; the notices
 * then go to {@link Deliveries}, on a context of its own. A successful run also pings the job's
 * ping channels. Nothing here waits: a slow database or channel never delays a fire, a fetch or a
 * row.
 *
 * <p>Runs on: the observer methods on the lanes, several jobs at once (each run's events on its
 * job's lane, hence the concurrent map of tallies); {@link #close} from any thread.
 */
public final class Notifier implements RunObserver {
  private static final Logger log = LoggerFactory.getLogger(Notifier.class);

  /**
   * How notices are delivered.
   *
   * @param publicUrl the base of the {@code link} in notices, or null for none
   * @param firstBackoff the wait before the second attempt; it doubles up to a minute
   * @param giveUp how long a delivery is tried before it is given up (FAILED)
   * @param timeout for connecting to and hearing from a channel
   * @param capacity deliveries under way at once
   * @param sweepEvery how often the notices left PENDING are looked for
   */
  public record Settings(URI publicUrl, Duration firstBackoff, Duration giveUp, Duration timeout, int capacity,
      Duration sweepEvery) {
    public static final Settings DEFAULT = new Settings(null, Duration.ofSeconds(1), Duration.ofMinutes(10),
        Duration.ofSeconds(10), 1000, Duration.ofSeconds(30));
  }

  /** Counts notices and attempts, for {@code cronloop_notifications_total{channel,event,result}}. */
  @FunctionalInterface
  public interface Meter {
    void notified(String channel, String event, String result);
  }

  private final Vertx vertx;
  private final NoticeStore store;
  private final Supplier<Catalog> catalog;
  private final Settings settings;
  private final Deliveries deliveries;
  /** Runs of notifying jobs with a failed fetch; each run's tally is touched on its lane only. */
  private final Map<Long, RunTally> tallies = new ConcurrentHashMap<>();
  private String deployment;
  private boolean countFull;

  private Notifier(Vertx vertx, NoticeStore store, Supplier<Catalog> catalog, Settings settings, Meter meter,
      InstantSource clock) {
    this.vertx = vertx;
    this.store = store;
    this.catalog = catalog;
    this.settings = settings;
    this.deliveries = new Deliveries(store, catalog, settings, meter::notified, clock);
  }

  /** Starts delivering (notices left PENDING by a previous process first). */
  public static Future<Notifier> start(Vertx vertx, NoticeStore store, Supplier<Catalog> catalog, Settings settings,
      Meter meter, InstantSource clock) {
    Notifier n = new Notifier(vertx, store, catalog, settings, meter, clock);
    return vertx.deployVerticle(n.deliveries, new DeploymentOptions())
        .map(id -> {
          n.deployment = id;
          return n;
        });
  }

  @Override
  public void fetchEnded(FetchRow f) {
    if (!f.ok() && notifying(f.jobId()) != null) {
      tallies.computeIfAbsent(f.runId(), id -> new RunTally()).failed(f);
    }
  }

  @Override
  public void runEnded(RunResult run) {
    RunTally tally = tallies.remove(run.runId());
    JobDefinition job = notifying(run.jobId());
    if (job == null || run.total() == 0 || !counted(run.status())) {
      return;
    }
    boolean failed = RunHealth.failed(run, job.failWhen()::failed);
    Catalog c = catalog.get();
    List<String> channels = new ArrayList<>();
    for (String name : job.notices().channelNames()) {
      Channel ch = c.channels().get(name);
      if (ch instanceof Channel.Ping && !failed) {
        deliveries.ping(new Delivery(null, run.jobId(), run.runId(), "ping", name,
            Payload.of("ping", run, null, run.committedAt(), new RunTally(), settings.publicUrl()).encode(), 0));
      } else if (ch != null && !(ch instanceof Channel.Ping)) {
        channels.add(name);
      }
    }
    RunTally t = tally == null ? new RunTally() : tally;
    Notify n = job.notices();
    Policy policy = new Policy(n.after(), n.repeat(), n.on().contains(Notify.On.FAILURE),
        n.on().contains(Notify.On.RECOVERY));
    Instant at = run.committedAt().truncatedTo(ChronoUnit.MILLIS); // as the database keeps it, on every node
    store.count(run.jobId(), run.runId(), h -> {
      Step s = HealthRules.next(h, run.runId(), failed, at, policy);
      if (s.event() == null || channels.isEmpty()) {
        return new Transition(s.next(), List.of());
      }
      String payload = Payload.of(s.event().word(), run, s.failingSince(), at, t,
          settings.publicUrl()).encode();
      return new Transition(s.next(), channels.stream().map(ch -> new NewNotice(ch, s.event().word(), payload))
          .toList());
    }).whenComplete((notices, e) -> {
      if (e == null) {
        synchronized (this) {
          countFull = false;
        }
        deliveries.deliver(notices);
      } else {
        notCounted(run, e);
      }
    });
  }

  private static boolean counted(RunStatus s) {
    return s == RunStatus.OK || s == RunStatus.FAILED || s == RunStatus.PARTIAL;
  }

  /** On the store's thread: a run whose health could not be stored. */
  private void notCounted(RunResult run, Throwable e) {
    synchronized (this) {
      if (e instanceof java.util.concurrent.RejectedExecutionException && countFull) {
        return; // said once per burst
      }
      countFull = e instanceof java.util.concurrent.RejectedExecutionException;
    }
    log.warn("run {} of job \"{}\" was not counted for its health and notices: {}", run.runId(), run.jobId(),
        e.getMessage() == null ? e.toString() : e.getMessage());
  }

  private JobDefinition notifying(String jobId) {
    Catalog c = catalog.get();
    JobDefinition job = c == null ? null : c.job(jobId).orElse(null);
    return job == null || job.notices() == null ? null : job;
  }

  /** Stops delivering; notices not yet delivered stay PENDING for the next start. */
  public Future<Void> close() {
    return deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment);
  }

}
