package dev.cronloop.bench;

import dev.cronloop.record.Database;
import dev.cronloop.schedule.Spread;
import dev.cronloop.testkit.ChildProcess;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LoopbackServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fleet workload: J job files of U URLs each, every one {@code *}{@code /1 * * * *} with
 * {@code spread: 60s}, against a loopback target that answers each URL after 5–50 ms (fixed per
 * URL, from a hash of its path): J × U requests a minute. The engine is {@code target/cronloop
 * run} in a child JVM with {@code -Xmx256m} and a flight recording; the target and the harness
 * are this JVM. After W seconds of warm-up, M whole minutes are measured, counted by fire instant
 * (any 60 s window holds exactly one fire of each job).
 *
 * <p>Figures: requests arrived per minute; lateness at the target, arrival − the job's fire
 * instant (the minute + the job's spread offset, as {@link Spread} computes it for the engine);
 * the engine's start lag ({@code runs.started_at − scheduled_at}); missed fires (jobs × minutes −
 * runs with the expected {@code scheduled_at}); {@code fetches} rows of those runs against the
 * requests that arrived; the child's peak heap and longest GC pause (its flight recording: in the
 * JSON over the whole recording, start-up and the final scrape included; printed apart for the
 * measured window), its
 * peak recorder queue ({@code /metrics}) and its CPU (from {@code /proc}).
 *
 * <p>Run (about 4 minutes): {@code mvn -q -DskipTests package && mvn -q exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=dev.cronloop.bench.FleetBench
 * -Dexec.args="10000 10 2 60"} (J U M W); a fifth argument sets the child's heap (default 256m), a
 * sixth, {@code histogram}, prints its class histogram after the window, before the scrape ({@code
 * jcmd}).
 */
public final class FleetBench {
  private static final Duration WINDOW = Duration.ofSeconds(60);

  public static void main(String[] args) throws Exception {
    run(args);
    System.exit(0); // exec:java would otherwise wait for threads it did not start
  }

  /** The workload, for {@link BenchSuite}. */
  static void run(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int urls = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int minutes = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 60;
    String heap = args.length > 4 ? args[4] : "256m";
    boolean histogram = args.length > 5 && args[5].equals("histogram");
    Path dir = Files.createTempDirectory("cronloop-fleet");
    Path folder = dir.resolve("jobs");
    String db = "jdbc:h2:file:" + dir.resolve("db/cronloop");
    Path jfr = dir.resolve("fleet.jfr");
    try (LoopbackServer server = LoopbackServer.start(1)) {
      writeJobs(folder, server, jobs, urls);
      int port = ChildJvm.freePort();
      String metrics = "http://127.0.0.1:" + port + "/metrics";
      try (ChildProcess child = ChildProcess.cronloop(ChildJvm.options(heap, jfr),
          "run", "--jobs", folder.toString(), "--db", db, "--http", "127.0.0.1:" + port)) {
        ChildJvm.awaitReady(port, Duration.ofMinutes(2), child);
        long ready = System.currentTimeMillis();
        long start = (ready + warmup * 1000L + 999) / 1000 * 1000;
        long end = start + minutes * 60_000L;
        long cpuAtStart = -1;
        long ownCpuAtStart = -1;
        List<String> loads = new ArrayList<>();
        while (System.currentTimeMillis() < end + 5_000) {
          if (cpuAtStart < 0 && System.currentTimeMillis() >= start) {
            cpuAtStart = ChildJvm.cpuMillis(child.pid());
            ownCpuAtStart = ChildJvm.ownCpuMillis();
          }
          if (loads.size() < (System.currentTimeMillis() - ready) / 30_000) {
            loads.add(ChildJvm.load());
          }
          Thread.sleep(200);
        }
        long engineCpu = ChildJvm.cpuMillis(child.pid()) - cpuAtStart;
        long targetCpu = ChildJvm.ownCpuMillis() - ownCpuAtStart;
        double measuredSeconds = (System.currentTimeMillis() - start) / 1000.0;
        if (histogram) {
          // After the window (its full GC would stop the engine inside it), before the scrape: the
          // live set of the engine holding every job, its meters included.
          Process p = new ProcessBuilder("jcmd", Long.toString(child.pid()), "GC.class_histogram")
              .redirectErrorStream(true).redirectOutput(dir.resolve("histogram.txt").toFile()).start();
          p.waitFor();
          Files.readAllLines(dir.resolve("histogram.txt")).stream().limit(40).forEach(System.out::println);
          System.out.println("(whole histogram: " + dir.resolve("histogram.txt") + ")");
        }
        // One scrape, after the window: with a meter set per job it is large, and a scrape every
        // second would be a workload of its own.
        long t0 = System.nanoTime();
        String text = ChildJvm.get(metrics);
        long scrapeMs = (System.nanoTime() - t0) / 1_000_000;
        Scrape scrape = text == null ? new Scrape(-1, scrapeMs, -1)
            : new Scrape(text.length(), scrapeMs, ChildJvm.metric(text, "cronloop_recorder_queue_depth"));
        child.signalTerm();
        int exit = child.waitFor(Duration.ofMinutes(2));
        if (exit != 0) {
          System.out.println("engine exited " + exit);
        }
        child.output().lines().filter(l -> l.contains("started in") || l.contains("WARN") || l.contains("ERROR")
            || l.contains("OutOfMemoryError")).limit(20).forEach(System.out::println);
        ChildJvm.Gc gc = ChildJvm.Gc.read(jfr);
        ChildJvm.Gc window = ChildJvm.Gc.read(jfr, start, end);
        System.out.printf("GC in the measured window only: heap peak %.0f MB, after a GC max %.0f MB, "
                + "%d collections, pauses %.0f ms in all, longest %.1f ms%n", window.heapPeakMb(),
            window.heapAfterGcMaxMb(), window.collections(), window.pauseTotalMs(), window.pauseMaxMs());
        report(server, db, jobs, urls, minutes, heap, start, end, gc, scrape,
            engineCpu / 1000.0 / measuredSeconds, targetCpu / 1000.0 / measuredSeconds, loads,
            child.output().contains("OutOfMemoryError"));
      }
    }
  }

  /** The job files: fleet-J.yaml with U URLs /delay/D/fleet-J/u, D from 5 to 50 ms by a hash of the path. */
  static void writeJobs(Path folder, LoopbackServer server, int jobs, int urls) throws Exception {
    for (int j = 0; j < jobs; j++) {
      String id = id(j);
      StringBuilder yaml = new StringBuilder("schedule: \"*/1 * * * *\"\nspread: 60s\nrequests:\n");
      for (int u = 0; u < urls; u++) {
        String tail = id + "/" + u;
        yaml.append("  - ").append(server.url("/delay/" + delayMs(tail) + "/" + tail)).append('\n');
      }
      JobFiles.write(folder, id + ".yaml", yaml.toString());
    }
  }

  static String id(int j) {
    return String.format("fleet-%05d", j);
  }

  /** 5 to 50 ms, fixed for one URL. */
  static int delayMs(String tail) {
    return 5 + Math.floorMod(tail.hashCode() * 31 + 17, 46);
  }

  private static void report(LoopbackServer server, String db, int jobs, int urls, int minutes, String heap,
      long start,
      long end, ChildJvm.Gc gc, Scrape scrape, double engineCores,
      double targetCores, List<String> loads, boolean oom) throws Exception {
    Map<String, Long> offsets = new java.util.HashMap<>();
    List<Long> lateness = new ArrayList<>();
    long[] perMinute = new long[minutes];
    for (LoopbackServer.Arrival a : server.arrivals()) {
      String[] parts = a.path().split("/"); // "", delay, D, fleet-J, u
      if (parts.length != 5) {
        continue;
      }
      long offset = offsets.computeIfAbsent(parts[3], id -> Spread.offset(id, WINDOW).toMillis());
      long fire = Math.floorDiv(a.epochMillis() - offset, 60_000L) * 60_000L + offset;
      if (fire >= start && fire < end) {
        lateness.add(a.epochMillis() - fire);
        perMinute[(int) ((fire - start) / 60_000L)]++;
      }
    }
    Runs runs = runs(db, start, end, offsets);
    System.out.printf(
        "{\"workload\":\"fleet\",\"jobs\":%d,\"urlsPerJob\":%d,\"minutes\":%d,\"heap\":\"%s\","
            + "\"arrivals\":%d,\"expected\":%d,\"arrivalsPerMinute\":%s,"
            + "\"latenessP50Ms\":%d,\"latenessP90Ms\":%d,\"latenessP99Ms\":%d,\"latenessMaxMs\":%d,"
            + "\"startLagP50Ms\":%d,\"startLagP99Ms\":%d,\"startLagMaxMs\":%d,"
            + "\"runs\":%d,\"missedFires\":%d,\"misplacedFires\":%d,\"runsNotOk\":%d,"
            + "\"fetchRows\":%d,\"fetchRowsNotOk\":%d,\"rowsMissing\":%d,"
            + "\"heapPeakMb\":%.0f,\"heapAfterGcMaxMb\":%.0f,\"gcPauseMaxMs\":%.1f,"
            + "\"gcPauseTotalMs\":%.0f,\"gcCount\":%d,\"oom\":%b,\"metricsBytes\":%d,\"metricsScrapeMs\":%d,\"recorderQueueAtEnd\":%.0f,"
            + "\"engineCpuCores\":%.2f,\"targetCpuCores\":%.2f,\"loadAverage\":\"%s\"}%n",
        jobs, urls, minutes, heap, lateness.size(), (long) jobs * urls * minutes, java.util.Arrays.toString(perMinute),
        TickBench.pct(lateness, 50), TickBench.pct(lateness, 90), TickBench.pct(lateness, 99),
        TickBench.pct(lateness, 100), TickBench.pct(runs.lag, 50), TickBench.pct(runs.lag, 99),
        TickBench.pct(runs.lag, 100), runs.count, (long) jobs * minutes - runs.onTime.size(), runs.misplaced,
        runs.notOk, runs.rows, runs.rowsNotOk, lateness.size() - runs.rows,
        gc.heapPeakMb(), gc.heapAfterGcMaxMb(), gc.pauseMaxMs(), gc.pauseTotalMs(),
        gc.collections(), oom || gc.outOfMemory(), scrape.bytes, scrape.millis, scrape.queue, engineCores, targetCores,
        String.join(" ", loads));
  }

  private record Scrape(long bytes, long millis, double queue) {}

  private static final class Runs {
    final List<Long> lag = new ArrayList<>();
    final Set<String> onTime = new HashSet<>();
    int count;
    int misplaced;
    int notOk;
    long rows;
    long rowsNotOk;
  }

  /** The runs scheduled in [start, end) and their fetch rows. */
  private static Runs runs(String url, long start, long end, Map<String, Long> offsets) throws Exception {
    Runs out = new Runs();
    OffsetDateTime from = OffsetDateTime.ofInstant(Instant.ofEpochMilli(start), ZoneOffset.UTC);
    OffsetDateTime to = OffsetDateTime.ofInstant(Instant.ofEpochMilli(end), ZoneOffset.UTC);
    try (Database db = Database.open(url, 1); Connection c = db.dataSource().getConnection()) {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT job_id, scheduled_at, started_at, status FROM runs WHERE scheduled_at >= ? AND scheduled_at < ?")) {
        s.setObject(1, from);
        s.setObject(2, to);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            out.count++;
            String job = rs.getString(1);
            Instant scheduled = rs.getObject(2, OffsetDateTime.class).toInstant();
            OffsetDateTime started = rs.getObject(3, OffsetDateTime.class);
            long offset = offsets.computeIfAbsent(job, id -> Spread.offset(id, WINDOW).toMillis());
            if (Math.floorMod(scheduled.toEpochMilli() - offset, 60_000L) != 0) {
              out.misplaced++;
            } else {
              out.onTime.add(job + "@" + scheduled);
            }
            if (started != null) {
              out.lag.add(Duration.between(scheduled, started.toInstant()).toMillis());
            }
            if (!"OK".equals(rs.getString(4))) {
              out.notOk++;
            }
          }
        }
      }
      try (PreparedStatement s = c.prepareStatement(
          "SELECT f.outcome, COUNT(*) FROM fetches f JOIN runs r ON f.run_id = r.id "
              + "WHERE r.scheduled_at >= ? AND r.scheduled_at < ? GROUP BY f.outcome")) {
        s.setObject(1, from);
        s.setObject(2, to);
        Map<String, Long> outcomes = new TreeMap<>();
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            outcomes.put(rs.getString(1), rs.getLong(2));
          }
        }
        for (var e : outcomes.entrySet()) {
          out.rows += e.getValue();
          if (!e.getKey().equals("OK")) {
            out.rowsNotOk += e.getValue();
          }
        }
        if (out.rowsNotOk > 0) {
          System.out.println("fetch outcomes: " + outcomes);
        }
      }
    }
    return out;
  }
}
