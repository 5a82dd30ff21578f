package dev.cronloop.bench;

import dev.cronloop.Engine;
import dev.cronloop.bridge.TriggerLayer;
import dev.cronloop.definition.Catalog;
import dev.cronloop.definition.JobCatalog;
import dev.cronloop.definition.JobDefinition;
import dev.cronloop.definition.JobFolder;
import dev.cronloop.testkit.JobFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.quartz.Scheduler;
import org.quartz.impl.StdSchedulerFactory;

/**
 * The scale workload: N job files (default 10,000; a mix of Unix, Quartz, macro and {@code @every}
 * schedules, one to three requests, headers with a {@code ${VAR}}, some {@code urlsFrom}).
 * Measures, on one JSON line:
 *
 * <ul>
 *   <li>{@code loadMs}: {@link JobCatalog#load()}, every file read, parsed and validated (the same
 *       reading {@code cronloop validate} does, timed as {@code validateMs});
 *   <li>{@code scheduleMs}: {@link TriggerLayer#sync} of every job into a started Quartz RAM
 *       scheduler, and {@code resyncMs}: the same sync again with nothing changed (what every
 *       reload pays);
 *   <li>{@code nextFireNs}: one {@code TriggerLayer.nextFire(id)}, and {@code scheduleNextNs}: one
 *       {@code Schedule.next(after)} computed from scratch, averaged over 100,000 calls;
 *   <li>{@code engineStartMs} and {@code heapAfterStartMb}: a whole {@link Engine} (H2, Quartz,
 *       Vert.x) started on the folder first, in a cold JVM, and the heap used after {@code
 *       System.gc()}; {@code heapBaseMb} is the heap used before anything was loaded (the harness
 *       itself, and Maven's when run by exec:java). The figures below are taken after it, warm;
 *   <li>{@code reloadP50Ms}/{@code reloadP99Ms}: 100 changes, each one job file rewritten with a new
 *       schedule, from the start of the write until the watcher has synced the triggers and {@code
 *       nextFire} shows the new time.
 * </ul>
 *
 * <p>Run: {@code mvn -q -DskipTests test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.cronloop.bench.ScaleBench -Dexec.args="10000 100"}
 */
public final class ScaleBench {
  private static final String[] SCHEDULES = {
    "*/5 * * * *", "0 */2 * * * ?", "@hourly", "@every 90s", "15 3 * * MON-FRI", "0 0/30 8-18 ? * *"
  };

  public static void main(String[] args) throws Exception {
    run(args);
    System.exit(0); // exec:java would otherwise wait for Vert.x and H2 threads it did not start
  }

  /** The workload itself, for {@link BenchSuite}. */
  static void run(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int changes = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    long heapBase = heapUsed();
    Path dir = Files.createTempDirectory("cronloop-scale");
    Path folder = dir.resolve("jobs");
    write(folder, n);
    long[] engine = engineStart(dir, folder); // first, in a cold JVM, as `cronloop run` starts

    long t0 = System.nanoTime();
    Catalog validated = JobFolder.load(folder, System::getenv);
    long validateMs = ms(t0);
    check(validated, n);
    validated = null;

    JobCatalog catalog = new JobCatalog(folder, System::getenv);
    t0 = System.nanoTime();
    Catalog loaded = catalog.load();
    long loadMs = ms(t0);
    check(loaded, n);

    Scheduler quartz = quartz();
    TriggerLayer triggers = new TriggerLayer(quartz, TriggerLayer.DEFAULT_SHARDS, TriggerLayer.DEFAULT_MISFIRE_THRESHOLD);
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx(); // fires go to a context that drops them
    quartz.setJobFactory(triggers.jobFactory(vertx.getOrCreateContext(), dev.cronloop.record.Fence.open(),
        (term, fires) -> {}));
    quartz.start();
    t0 = System.nanoTime();
    triggers.sync(loaded.jobs(), Instant.now());
    long scheduleMs = ms(t0);
    t0 = System.nanoTime();
    triggers.sync(loaded.jobs(), Instant.now());
    long resyncMs = ms(t0);

    long nextFireNs = nextFireNs(triggers, loaded.jobs());
    long scheduleNextNs = scheduleNextNs(loaded.jobs());
    List<Long> reload = reloadLatencies(folder, catalog, triggers, changes);
    catalog.close();
    quartz.shutdown(false);
    vertx.close();
    String line = String.format(
        "{\"workload\":\"scale\",\"files\":%d,\"jobs\":%d,\"validateMs\":%d,\"loadMs\":%d,\"scheduleMs\":%d,\"resyncMs\":%d,"
            + "\"nextFireNs\":%d,\"scheduleNextNs\":%d,\"engineStartMs\":%d,\"heapBaseMb\":%d,"
            + "\"heapAfterStartMb\":%d,\"changes\":%d,\"reloadP50Ms\":%d,\"reloadP99Ms\":%d,"
            + "\"reloadMaxMs\":%d,\"cores\":%d,\"maxHeapMb\":%d}",
        n, n, validateMs, loadMs, scheduleMs, resyncMs, nextFireNs, scheduleNextNs, engine[0],
        heapBase >> 20, engine[1] >> 20, reload.size(), TickBench.pct(reload, 50),
        TickBench.pct(reload, 99), TickBench.pct(reload, 100),
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
    System.out.println(line);
    Files.createDirectories(Path.of("target/bench"));
    Files.writeString(Path.of("target/bench/scale.json"), line + "\n");
  }

  private static void write(Path folder, int n) throws Exception {
    Files.createDirectories(folder);
    JobFiles.urls(folder, "targets.txt", "http://127.0.0.1:9/t/", 3);
    for (int i = 0; i < n; i++) {
      StringBuilder job = new StringBuilder()
          .append("schedule: \"").append(SCHEDULES[i % SCHEDULES.length]).append("\"\n")
          .append("spread: 30s\ntimeout: 5s\n")
          .append("headers: { Authorization: \"Bearer ${API_TOKEN:-bench-token}\" }\n")
          .append("expect: { status: \"200-299\", maxLatency: 800ms }\n")
          .append("requests:\n");
      for (int r = 0; r <= i % 3; r++) {
        job.append("  - http://127.0.0.1:9/job/").append(i).append('/').append(r).append('\n');
      }
      if (i % 100 == 0) {
        job.append("urlsFrom: targets.txt\n");
      }
      JobFiles.write(folder, "job-" + i + ".yaml", job.toString());
    }
  }

  private static void check(Catalog c, int n) {
    if (!c.ok() || c.jobs().size() != n) {
      throw new IllegalStateException(c.jobs().size() + " jobs; first problem: " + c.problems().get(0));
    }
  }

  private static Scheduler quartz() throws Exception {
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", "scale-bench");
    p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    p.setProperty("org.quartz.threadPool.threadCount", "2");
    p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    return new StdSchedulerFactory(p).getScheduler();
  }

  private static long nextFireNs(TriggerLayer triggers, List<JobDefinition> jobs) {
    long sink = 0;
    for (int round = 0; round < 2; round++) { // the first round warms up
      long t0 = System.nanoTime();
      for (int i = 0; i < 100_000; i++) {
        sink += triggers.nextFire(jobs.get(i % jobs.size()).id()).map(Instant::getEpochSecond).orElse(0L);
      }
      if (round == 1) {
        return (System.nanoTime() - t0) / 100_000 + (sink == 42 ? 1 : 0);
      }
    }
    throw new AssertionError();
  }

  private static long scheduleNextNs(List<JobDefinition> jobs) {
    Instant now = Instant.now();
    long sink = 0;
    for (int round = 0; round < 2; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < 100_000; i++) {
        sink += jobs.get(i % jobs.size()).schedule().next(now).map(Instant::getEpochSecond).orElse(0L);
      }
      if (round == 1) {
        return (System.nanoTime() - t0) / 100_000 + (sink == 42 ? 1 : 0);
      }
    }
    throw new AssertionError();
  }

  /** Rewrites one job per change, alternating its year, and times write → trigger re-armed. */
  private static List<Long> reloadLatencies(
      Path folder, JobCatalog catalog, TriggerLayer triggers, int changes) throws Exception {
    LinkedBlockingQueue<Long> synced = new LinkedBlockingQueue<>();
    catalog.start(c -> {
      triggers.sync(c.jobs(), Instant.now());
      synced.offer(System.nanoTime());
    });
    List<Long> latencies = new ArrayList<>();
    for (int i = 0; i < changes; i++) {
      String id = "job-" + (i * 97 % 10_000);
      int year = 2098 + i % 2;
      Instant expected = Instant.parse(year + "-01-01T00:00:00Z");
      long t0 = System.nanoTime();
      JobFiles.write(folder, id + ".yaml", "schedule: \"0 0 0 1 1 ? " + year + "\"\nrequests: [ http://127.0.0.1:9/" + i + " ]\n");
      while (true) {
        Long at = synced.poll(5, TimeUnit.SECONDS);
        if (at == null) {
          throw new IllegalStateException("change " + i + " of " + id + " not seen in 5 s");
        }
        if (triggers.nextFire(id).equals(Optional.of(expected))) {
          latencies.add((at - t0) / 1_000_000);
          break;
        }
      }
    }
    return latencies;
  }

  /** Starts a whole engine on the folder: start time and heap used after a GC. */
  private static long[] engineStart(Path dir, Path folder) throws Exception {
    Engine engine = Engine.builder().jobs(folder).database("jdbc:h2:file:" + dir.resolve("db/cronloop")).build();
    long t0 = System.nanoTime();
    engine.start().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    long startMs = ms(t0);
    long heap = heapUsed();
    engine.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    return new long[] {startMs, heap};
  }

  private static long heapUsed() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100); // let the collector finish; a measurement, not a wait for an event
    }
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  private static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
