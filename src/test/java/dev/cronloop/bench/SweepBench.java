package dev.cronloop.bench;

import dev.cronloop.record.Database;
import dev.cronloop.testkit.ChildProcess;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LoopbackServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sweep workload: one job of N distinct URLs (a {@code urlsFrom} file, one URL a line), each
 * answered after 5–50 ms (fixed per URL), at concurrency C, with the engine's heap bound to 256 MB,
 * like polling every router of a large network. Three parts, each in a child JVM with {@code
 * -Xmx256m} and a flight recording:
 *
 * <ul>
 *   <li><b>validate</b>: {@code target/cronloop validate}, the whole process: reading the file;
 *   <li><b>cold</b>: {@code target/cronloop fire sweep} (JAVA_OPTS after the launcher's flags), K
 *       fresh processes: {@code durationMs}, wall time, rows recorded, peak heap, OOM or not;
 *   <li><b>warm</b>: {@code target/cronloop run}, the job triggered through the API F times one
 *       after the other; the first is the warm-up.
 * </ul>
 *
 * <p>Run (about 2 minutes): {@code mvn -q -DskipTests package && mvn -q exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=dev.cronloop.bench.SweepBench
 * -Dexec.args="100000 500 2 3"} (N C K F).
 */
public final class SweepBench {
  public static void main(String[] args) throws Exception {
    run(args);
    System.exit(0); // exec:java would otherwise wait for threads it did not start
  }

  /** The workload, for {@link BenchSuite}. */
  static void run(String[] args) throws Exception {
    int urls = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    int cold = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    int warm = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    Path dir = Files.createTempDirectory("cronloop-sweep");
    Path jobs = dir.resolve("jobs");
    try (LoopbackServer server = LoopbackServer.startCounting(1)) {
      StringBuilder list = new StringBuilder();
      long delaySum = 0;
      for (int i = 0; i < urls; i++) {
        String tail = "sweep/" + i;
        int d = FleetBench.delayMs(tail);
        delaySum += d;
        list.append(server.url("/delay/" + d + "/" + tail)).append('\n');
      }
      Files.createDirectories(jobs);
      Files.writeString(jobs.resolve("sweep.txt"), list);
      JobFiles.write(jobs, "sweep.yaml", """
          schedule: "0 0 0 1 1 ? 2099"
          concurrency: %d
          timeout: 30s
          urlsFrom: sweep.txt
          """.formatted(concurrency));
      double idealMs = (double) delaySum / concurrency;

      long t0 = System.nanoTime();
      Path validateJfr = dir.resolve("validate.jfr");
      int validateExit;
      try (ChildProcess v = ChildProcess.cronloop(ChildJvm.options("256m", validateJfr),
          "validate", "--jobs", jobs.toString())) {
        validateExit = v.waitFor(Duration.ofMinutes(2));
      }
      long validateMs = (System.nanoTime() - t0) / 1_000_000;
      ChildJvm.Gc validateGc = ChildJvm.Gc.read(validateJfr);
      System.out.printf("{\"workload\":\"sweep-validate\",\"urls\":%d,\"exit\":%d,\"wallMs\":%d,\"heapPeakMb\":%.0f,"
          + "\"heapAfterGcMaxMb\":%.0f,\"loadAverage\":\"%s\"}%n",
          urls, validateExit, validateMs, validateGc.heapPeakMb(), validateGc.heapAfterGcMaxMb(), ChildJvm.load());

      for (int i = 0; i < cold; i++) {
        coldFire(jobs, dir.resolve("cold-" + i), urls, concurrency, idealMs);
      }
      if (warm > 0) {
        warm(jobs, dir.resolve("warm"), urls, concurrency, warm, idealMs);
      }
    }
  }

  private static void coldFire(Path jobs, Path dir, int urls, int concurrency, double idealMs) throws Exception {
    String db = "jdbc:h2:file:" + dir.resolve("cronloop");
    Database.open(db, 1).close(); // fire opens only a database that exists, as after `run`
    Path jfr = dir.resolve("fire.jfr");
    long t0 = System.nanoTime();
    String out;
    int exit;
    long cpu;
    try (ChildProcess child = ChildProcess.cronloop(ChildJvm.options("256m", jfr),
        "fire", "sweep", "--jobs", jobs.toString(), "--db", db)) {
      long pid = child.pid();
      long[] lastCpu = {0};
      while (true) {
        long c = ChildJvm.cpuMillis(pid);
        if (c >= 0) {
          lastCpu[0] = c;
        }
        try {
          exit = child.waitFor(Duration.ofMillis(200));
          break;
        } catch (AssertionError stillRunning) {
          if (System.nanoTime() - t0 > Duration.ofMinutes(5).toNanos()) {
            throw stillRunning;
          }
        }
      }
      cpu = lastCpu[0];
      out = child.output();
    }
    long wallMs = (System.nanoTime() - t0) / 1_000_000;
    Matcher m = Pattern.compile("\"durationMs\":(\\d+)").matcher(out);
    long durationMs = m.find() ? Long.parseLong(m.group(1)) : -1;
    if (durationMs < 0) {
      System.out.println("cold fire exited " + exit + ":\n" + tail(out));
    }
    ChildJvm.Gc gc = ChildJvm.Gc.read(jfr);
    long[] rows = rows(db, null);
    System.out.printf("{\"workload\":\"sweep\",\"mode\":\"cold\",\"urls\":%d,\"concurrency\":%d,\"exit\":%d,"
            + "\"durationMs\":%d,\"wallMs\":%d,\"idealMs\":%.0f,\"rows\":%d,\"rowsOk\":%d,\"heapPeakMb\":%.0f,"
            + "\"heapAfterGcMaxMb\":%.0f,\"gcPauseMaxMs\":%.1f,\"gcPauseTotalMs\":%.0f,\"oom\":%b,\"cpuMs\":%d,"
            + "\"loadAverage\":\"%s\"}%n",
        urls, concurrency, exit, durationMs, wallMs, idealMs, rows[0], rows[1], gc.heapPeakMb(),
        gc.heapAfterGcMaxMb(), gc.pauseMaxMs(), gc.pauseTotalMs(), out.contains("OutOfMemoryError") || gc.outOfMemory(),
        cpu, ChildJvm.load());
  }

  private static void warm(Path jobs, Path dir, int urls, int concurrency, int fires, double idealMs)
      throws Exception {
    String db = "jdbc:h2:file:" + dir.resolve("cronloop");
    Files.createDirectories(dir); // the flight recording's folder must exist before the JVM starts
    Path jfr = dir.resolve("run.jfr");
    int port = ChildJvm.freePort();
    String api = "http://127.0.0.1:" + port;
    List<Long> runIds = new ArrayList<>();
    String out;
    try (ChildProcess child = ChildProcess.cronloop(ChildJvm.options("256m", jfr),
        "run", "--jobs", jobs.toString(), "--db", db, "--http", "127.0.0.1:" + port)) {
      ChildJvm.awaitReady(port, Duration.ofMinutes(2), child);
      for (int i = 0; i < fires; i++) {
        long run = new JsonObject(ChildJvm.post(api + "/api/jobs/sweep/trigger")).getLong("run");
        runIds.add(run);
        long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
          String body = ChildJvm.get(api + "/api/runs?job=sweep&limit=1");
          JsonObject last = body == null ? null : new JsonObject(body).getJsonArray("runs").getJsonObject(0);
          if (last != null && last.getLong("id") == run && !"RUNNING".equals(last.getString("status"))) {
            break;
          }
          if (System.nanoTime() > end) {
            throw new IllegalStateException("run " + run + " not over after 3 minutes:\n" + tail(child.output()));
          }
          Thread.sleep(200);
        }
      }
      child.signalTerm();
      child.waitFor(Duration.ofMinutes(2));
      out = child.output();
    }
    ChildJvm.Gc gc = ChildJvm.Gc.read(jfr);
    List<Long> measured = new ArrayList<>();
    StringBuilder rowsText = new StringBuilder();
    for (int i = 0; i < runIds.size(); i++) {
      long[] rows = rows(db, runIds.get(i));
      long ms = durationMs(db, runIds.get(i));
      rowsText.append(i == 0 ? "" : ",").append(rows[0]);
      if (i > 0 || runIds.size() == 1) {
        measured.add(ms);
      }
      System.out.printf("warm fire %d (run %d): %d ms, %d rows, %d OK%n", i, runIds.get(i), ms, rows[0], rows[1]);
    }
    System.out.printf("{\"workload\":\"sweep\",\"mode\":\"warm\",\"urls\":%d,\"concurrency\":%d,\"fires\":%d,"
            + "\"durationMs\":%d,\"durationsMs\":%s,\"idealMs\":%.0f,\"rowsPerFire\":[%s],\"heapPeakMb\":%.0f,"
            + "\"heapAfterGcMaxMb\":%.0f,\"gcPauseMaxMs\":%.1f,\"gcPauseTotalMs\":%.0f,\"oom\":%b,\"loadAverage\":\"%s\"}%n",
        urls, concurrency, fires, TickBench.pct(measured, 50), measured, idealMs, rowsText, gc.heapPeakMb(),
        gc.heapAfterGcMaxMb(), gc.pauseMaxMs(), gc.pauseTotalMs(), out.contains("OutOfMemoryError") || gc.outOfMemory(),
        ChildJvm.load());
  }

  /** Rows in {@code fetches} (of one run, or all) and how many are OK. */
  private static long[] rows(String url, Long run) throws Exception {
    try (Database db = Database.open(url, 1); Connection c = db.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement("SELECT COUNT(*), COUNT(CASE WHEN outcome = 'OK' THEN 1 END) "
            + "FROM fetches" + (run == null ? "" : " WHERE run_id = ?"))) {
      if (run != null) {
        s.setLong(1, run);
      }
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2)};
      }
    }
  }

  /** {@code finished_at − started_at} of one run. */
  private static long durationMs(String url, long run) throws Exception {
    try (Database db = Database.open(url, 1); Connection c = db.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement("SELECT started_at, finished_at FROM runs WHERE id = ?")) {
      s.setLong(1, run);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return Duration.between(rs.getObject(1, OffsetDateTime.class), rs.getObject(2, OffsetDateTime.class))
            .toMillis();
      }
    }
  }

  private static String tail(String out) {
    return out.length() <= 4_000 ? out : out.substring(out.length() - 4_000);
  }
}
