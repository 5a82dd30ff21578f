package dev.cronloop.server;

import dev.cronloop.model.Outcome;
import dev.cronloop.model.RunStatus;
import dev.cronloop.model.Trigger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * One job's meters in {@link Metrics}, registered on first use. With 10,000 jobs every byte here
 * counts ten thousand times (MetersBench): the meters sit in one small array indexed by trigger,
 * status and outcome instead of three concurrent maps, and the job's meters share one {@code
 * Tags}.
 */
final class JobMeters {
  private static final int RUNS = Trigger.values().length;
  private static final int LATENCY = RUNS + RunStatus.values().length;
  private final MeterRegistry registry;
  private final String job;
  private final Tags tags;
  // Atomic: a job's fires are counted on the engine context, its runs and fetches on its lane,
  // and remove() reads them all on the engine context.
  private final AtomicReferenceArray<Meter> meters =
      new AtomicReferenceArray<>(LATENCY + Outcome.values().length);
  private final JobHealthMeters health;

  JobMeters(MeterRegistry registry, String job) {
    this.registry = registry;
    this.job = job;
    this.tags = Tags.of("job", job);
    this.health = new JobHealthMeters(registry, tags);
  }

  String job() {
    return job;
  }

  JobHealthMeters health() {
    return health;
  }

  /** Takes every meter of the job out of the registry; true, for removeIf. */
  boolean remove() {
    for (int i = 0; i < meters.length(); i++) {
      Meter m = meters.get(i);
      if (m != null) {
        registry.remove(m);
      }
    }
    health.remove();
    return true;
  }

  Counter fires(Trigger trigger) {
    return (Counter) meter(trigger.ordinal(), () -> Counter.builder("cronloop.fires")
        .description("Fires handed to the engine")
        .tags(tags).tag("trigger", trigger.name())
        .register(registry));
  }

  Timer latency(Outcome outcome) {
    return (Timer) meter(LATENCY + outcome.ordinal(), () -> Timer.builder("cronloop.fetch.latency")
        .description("Latency of one request, retries included")
        .tags(tags).tag("outcome", outcome.name())
        .serviceLevelObjectives(Metrics.LATENCY_BUCKETS)
        .register(registry));
  }

  Counter runs(RunStatus status) {
    return (Counter) meter(RUNS + status.ordinal(), () -> Counter.builder("cronloop.runs")
        .description("Runs ended, by final status")
        .tags(tags).tag("status", status.name())
        .register(registry));
  }

  /** The meter at {@code i}, registered once (registering an id again gives the same meter). */
  private Meter meter(int i, Supplier<Meter> register) {
    Meter m = meters.get(i);
    if (m == null) {
      m = register.get();
      meters.set(i, m);
    }
    return m;
  }
}
