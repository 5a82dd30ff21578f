package dev.cronloop.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.lang.management.ManagementFactory;

/**
 * The JVM's own meters in {@code /metrics}: memory, GC, threads, classes, CPU and uptime. Binding
 * them starts JMX and registers GC listeners, about a tenth of a second that a one-off {@code
 * cronloop fire}, which serves no {@code /metrics}, leaves out ({@link Metrics#Metrics(java.time.InstantSource,
 * boolean)}).
 */
final class JvmMeters implements AutoCloseable {
  private final JvmGcMetrics gc = new JvmGcMetrics();

  JvmMeters(MeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    lintClean(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /**
   * Keeps {@code /metrics} clean for {@code promtool check metrics}, which rejects two of the
   * meters {@link ProcessorMetrics} binds: {@code process_cpu_time_ns_total} (an abbreviated unit)
   * becomes {@code process_cpu_seconds_total}, the name Prometheus's own clients use, and {@code
   * system_cpu_count} (a {@code _count} suffix on a gauge) becomes {@code system_cpu_cores}.
   * Removed and registered anew rather than by a MeterFilter, which Micrometer wants configured
   * before the registry's first meter.
   */
  private static void lintClean(MeterRegistry registry) {
    for (String name : new String[] {"process.cpu.time", "system.cpu.count"}) {
      Meter m = registry.find(name).meter();
      if (m != null) {
        registry.remove(m);
      }
    }
    Gauge.builder("system.cpu.cores", Runtime.getRuntime(), Runtime::availableProcessors)
        .description("The number of processors available to the Java virtual machine")
        .register(registry);
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9)
          .description("CPU time the JVM process used")
          .baseUnit("seconds")
          .register(registry);
    }
  }

  /** Stops listening to GC notifications. */
  @Override
  public void close() {
    gc.close();
  }
}
