package dev.cronloop.server;

import dev.cronloop.definition.Catalog;
import dev.cronloop.definition.FailWhen;
import dev.cronloop.definition.JobDefinition;
import dev.cronloop.fetch.Dispatch;
import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Fire;
import dev.cronloop.model.Outcome;
import dev.cronloop.model.RunObserver;
import dev.cronloop.model.RunResult;
import dev.cronloop.model.RunStatus;
import dev.cronloop.model.Trigger;
import dev.cronloop.record.Recorder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's Prometheus metrics, fed by the run observer hooks, one recorder batch hook and
 * gauges, so that fetch and record stay free of Micrometer. Names follow {@code
 * cronloop_<what>_<unit>} with labels {@code job}, {@code outcome}, {@code status}:
 *
 * <ul>
 *   <li>{@code cronloop_fires_total{job,trigger}}: fires handed to the engine context
 *   <li>{@code cronloop_runs_total{job,status}}: runs ended, by final status
 *   <li>{@code cronloop_fetch_latency_seconds{job,outcome}}: histogram of request latency
 *   <li>{@code cronloop_requests_in_flight}, {@code cronloop_runs_active}
 *   <li>{@code cronloop_recorder_queue_depth}, {@code cronloop_recorder_batch_seconds}
 *   <li>{@code cronloop_job_files_invalid}: job files that do not load as they are now
 *   <li>{@code cronloop_recorder_rejected_total}: writes refused for their data (or lost to an
 *       error); {@code cronloop_recorder_errors_total}: errors the recorder survived
 *   <li>{@code cronloop_fire_lateness_seconds{stage}}: from the scheduled instant to Quartz's
 *       hand-off ({@code handoff}; zero while it comes ahead of the instant, as it should), to the
 *       run's start on the engine context ({@code loop}) and to its first request ({@code
 *       first_request})
 *   <li>per job ({@link JobHealthMeters}): {@code
 *       cronloop_job_last_run_timestamp_seconds{job}}, {@code
 *       cronloop_job_last_success_timestamp_seconds{job}}, {@code
 *       cronloop_job_consecutive_failures{job}} and {@code cronloop_job_fire_lateness_seconds{job}}
 *       (the {@code loop} stage, as a summary without buckets)
 * </ul>
 *
 * <p>The meters of each job are looked up once and kept: a fetch records into a held timer
 * instead of building and registering a meter id per request. Cardinality is bounded by the jobs
 * in the folder: a job's health meters and its SCHEDULE fires, OK runs and OK latency appear when
 * the job is loaded ({@link #prepare}), its other triggers, statuses and outcomes with the first of
 * each, and all leave the registry at the first sample after the job leaves the folder.
 *
 * <p>Runs on: {@link #handedOver}, {@link #fired} and the samples on the engine context; the
 * observer methods on the lanes (each job's on its own lane, several jobs at once), hence the
 * concurrent maps of jobs and of runs awaiting their first request and each job's atomic array of
 * meters; the batch hook on the recorder thread; {@link #scrape()} and {@link #exposition()} on any
 * thread but the engine context. Micrometer meters are thread-safe.
 */
public final class Metrics implements RunObserver, Dispatch.Meter, AutoCloseable {
  static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
    Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
    Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)
  };

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger activeRuns = new AtomicInteger();
  private final Map<Long, Instant> awaitingFirstRequest = new ConcurrentHashMap<>();
  private final Map<String, JobMeters> jobs = new ConcurrentHashMap<>();
  private final Timer handoffLateness = lateness("handoff");
  private final Timer loopLateness = lateness("loop");
  private final Timer firstRequestLateness = lateness("first_request");
  private final JvmMeters jvm; // null without the JVM's meters
  private final AtomicLong loopLagMs = new AtomicLong();
  private Timer loopLag;
  private long lastSample;
  private final InstantSource clock;
  private java.util.function.Supplier<Catalog> catalog = () -> null;
  private Catalog pruned;
  private volatile boolean jobsAdded;
  private volatile int lastExposition; // bytes, to size the next one

  public Metrics() {
    this(InstantSource.system());
  }

  /** Metrics that read the time from {@code clock} (the engine's clock) for lateness. */
  public Metrics(InstantSource clock) {
    this(clock, true);
  }

  /** Metrics that read the time from {@code clock}; with {@code jvm} false, without {@link JvmMeters}. */
  public Metrics(InstantSource clock, boolean jvm) {
    this.clock = clock;
    this.jvm = jvm ? new JvmMeters(registry) : null;
    Gauge.builder("cronloop.requests.in.flight", inFlight, AtomicInteger::get)
        .description("Requests in flight across all runs, sampled on the engine context")
        .register(registry);
    Gauge.builder("cronloop.runs.active", activeRuns, AtomicInteger::get)
        .description("Runs in progress, sampled on the engine context")
        .register(registry);
    Gauge.builder("cronloop.loop.lag", loopLagMs, v -> v.get() / 1000.0)
        .description("How late the engine context ran its last once-a-second sample, in seconds")
        .baseUnit("seconds")
        .register(registry);
    loopLag = Timer.builder("cronloop.loop.lag.samples")
        .description("Lateness of each once-a-second sample on the engine context")
        .register(registry);
  }

  /**
   * Counts a notice or delivery attempt: {@code cronloop_notifications_total{channel,event,result}}.
   * Channels come from the channels file, events and results are fixed words: the labels stay few.
   */
  public void notified(String channel, String event, String result) {
    Counter.builder("cronloop.notifications")
        .description("Notice deliveries and pings, by channel, event and result (ok, failed, dropped)")
        .tags("channel", channel, "event", event, "result", result)
        .register(registry)
        .increment();
  }

  /** The registry, for a host that wants to add its own meters or scrape it another way. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Watches the recorder's queue depth and the time each batch takes to commit. */
  public void watch(Recorder recorder) {
    Gauge.builder("cronloop.recorder.queue.depth", recorder, Recorder::depth)
        .description("Writes queued for the database and not yet committed")
        .register(registry);
    Gauge.builder("cronloop.recorder.degraded", recorder, r -> r.degraded() ? 1 : 0)
        .description("1 while outcomes go to the journal because the database is away, else 0")
        .register(registry);
    Gauge.builder("cronloop.recorder.spilled", recorder, Recorder::spilled)
        .description("Writes appended to the journal since start")
        .register(registry);
    FunctionCounter.builder("cronloop.recorder.rejected", recorder, Recorder::rejected)
        .description("Writes the database refused for their data (then cut to fit, recorded as"
            + " RECORD_ERROR or dropped), or lost to an unexpected error")
        .register(registry);
    FunctionCounter.builder("cronloop.recorder.errors", recorder, Recorder::errors)
        .description("Unexpected errors the recorder logged and survived")
        .register(registry);
    Timer batch =
        Timer.builder("cronloop.recorder.batch")
            .description("Time to write and commit one batch of outcomes")
            .serviceLevelObjectives(LATENCY_BUCKETS)
            .register(registry);
    Counter writes =
        Counter.builder("cronloop.recorder.writes").description("Writes committed").register(registry);
    recorder.onBatch((n, nanos) -> {
      batch.record(nanos, TimeUnit.NANOSECONDS);
      writes.increment(n);
    });
  }

  /**
   * Counts the job files of the current catalog that do not load, as {@code
   * cronloop_job_files_invalid}.
   */
  public void watch(java.util.function.Supplier<Catalog> catalog) {
    this.catalog = catalog;
    // The supplier form holds the lambda strongly; the (object, function) form would let it go.
    Gauge.builder("cronloop.job.files.invalid", () -> {
          Catalog now = catalog.get();
          return now == null ? 0 : now.invalidFiles().size();
        })
        .description("Job files that do not load; their jobs run their last good version, if any")
        .register(registry);
  }

  /**
   * Registers, for each of {@code jobs}, the meters whose labels are known before it fires: the
   * health meters, its scheduled fires, its OK runs and its OK requests' latency, all at 0. Series
   * that exist from the start are what Prometheus asks of an exporter, and registering them here
   * keeps it off the event loop: made at the jobs' first fire, the meters of 1,000 jobs due in the
   * same second held the loop for most of that instant's dispatch (src/docs/benchmarks.md). Call
   * off the event loop, before the jobs fire: on a worker at start, on the catalog thread at a
   * reload.
   */
  public void prepare(Collection<JobDefinition> jobs) {
    for (JobDefinition job : jobs) {
      JobMeters m = meters(job.id());
      m.fires(Trigger.SCHEDULE);
      m.runs(RunStatus.OK);
      m.latency(Outcome.OK);
    }
  }

  /** Quartz handed {@code fire} over at its {@code firedAt}. Call on the engine context. */
  public void handedOver(Fire fire) {
    if (fire.scheduledAt() != null) {
      record(handoffLateness, Duration.between(fire.scheduledAt(), fire.firedAt()));
    }
  }

  /** The engine fired {@code fire} at its {@code firedAt}. Call on the engine context. */
  public void fired(Fire fire) {
    JobMeters job = meters(fire.job().id());
    job.fires(fire.trigger()).increment();
    if (fire.scheduledAt() != null) {
      Duration late = Duration.between(fire.scheduledAt(), fire.firedAt());
      record(loopLateness, late);
      job.health().late(late);
    }
  }

  /** Samples the loop-confined counts. Call on the engine context. */
  public void sample(int requestsInFlight, int runsActive) {
    sample(requestsInFlight, runsActive, System.nanoTime());
  }

  /** {@link #sample(int, int)} at {@code now}, a {@link System#nanoTime()} reading. */
  void sample(int requestsInFlight, int runsActive, long now) {
    counts(requestsInFlight, runsActive);
    pruneRemovedJobs();
    // Called by a once-a-second periodic timer: what the interval exceeds a second by is the time
    // the event loop was too busy (or blocked) to run it. Monotonic time, not the engine's clock:
    // a lag is an interval, and a wall clock that steps would fake one.
    if (lastSample != 0) {
      long lateMs = Math.max(0, (now - lastSample) / 1_000_000 - 1_000);
      loopLagMs.set(lateMs);
      loopLag.record(lateMs, TimeUnit.MILLISECONDS);
    }
    lastSample = now;
  }

  /**
   * Sets the in-flight and active gauges without a lag sample: the engine's close reports the
   * counts it leaves behind, so the gauges end on them rather than on the last periodic sample.
   */
  public void counts(int requestsInFlight, int runsActive) {
    inFlight.set(requestsInFlight);
    activeRuns.set(runsActive);
  }

  @Override
  public void runStarting(long runId, String jobId, Trigger trigger, Instant scheduledAt) {
    if (scheduledAt != null) {
      awaitingFirstRequest.put(runId, scheduledAt);
    }
  }

  @Override
  public void fetchStarting(long runId, String jobId, String url) {
    Instant scheduled = awaitingFirstRequest.remove(runId);
    if (scheduled != null) {
      record(firstRequestLateness, Duration.between(scheduled, clock.instant()));
    }
  }

  @Override
  public void fetchEnded(FetchRow fetch) {
    meters(fetch.jobId()).latency(fetch.outcome()).record(fetch.latencyMs(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void runEnded(RunResult run) {
    awaitingFirstRequest.remove(run.runId());
    JobMeters job = meters(run.jobId());
    job.runs(run.status()).increment();
    job.health().ended(run, failWhen(run.jobId()));
  }

  /** The job's rule for a failed run ({@code failWhen}), as its notices judge it too. */
  private FailWhen failWhen(String jobId) {
    Catalog now = catalog.get();
    return now == null ? FailWhen.ANY : now.job(jobId).map(JobDefinition::failWhen).orElse(FailWhen.ANY);
  }

  /**
   * Removes the meters of jobs that left the folder, when the catalog changed or a job got meters
   * since the last look. Call on the engine context.
   */
  void pruneRemovedJobs() {
    Catalog now = catalog.get();
    if (now == null || (now == pruned && !jobsAdded)) {
      return;
    }
    pruned = now;
    jobsAdded = false;
    java.util.Set<String> ids = new java.util.HashSet<>();
    now.jobs().forEach(j -> ids.add(j.id()));
    jobs.values().removeIf(m -> !ids.contains(m.job()) && m.remove());
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * {@link #scrape()}'s text as the UTF-8 bytes {@code /metrics} sends, written straight into one
   * buffer sized from the last scrape. With 10,000 jobs the text is about 18 MB: the String form
   * goes through a growing byte array, a copy into a String and an encoding back to bytes, about
   * 90 MB of garbage a scrape on top of the registry's own snapshots. Call on any thread but the
   * engine context (it takes seconds with many jobs).
   */
  public Buffer exposition() {
    Buffer out = Buffer.buffer(lastExposition + lastExposition / 16 + 4096);
    try {
      registry.scrape(new OutputStream() {
        @Override
        public void write(int b) {
          out.appendByte((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          out.appendBytes(b, off, len);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e); // not from a buffer
    }
    lastExposition = out.length();
    return out;
  }

  private Timer lateness(String stage) {
    return Timer.builder("cronloop.fire.lateness")
        .description("From a fire's scheduled instant to a stage of its run")
        .tags("stage", stage)
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
  }

  private static void record(Timer timer, Duration late) {
    timer.record(late.isNegative() ? Duration.ZERO : late);
  }

  private JobMeters meters(String jobId) {
    JobMeters m = jobs.get(jobId);
    if (m == null) {
      m = jobs.computeIfAbsent(jobId, id -> new JobMeters(registry, id));
      jobsAdded = true; // after the put: the next prune sees the new job
    }
    return m;
  }

  @Override
  public void close() {
    if (jvm != null) {
      jvm.close();
    }
    registry.close();
  }
}
