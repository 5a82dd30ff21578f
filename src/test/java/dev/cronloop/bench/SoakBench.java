package dev.cronloop.bench;

import dev.cronloop.Engine;
import dev.cronloop.record.Database;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LoopbackServer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The soak workload: J jobs, each firing every second with one request to a loopback server, with
 * mixed outcomes (80% OK, 10% status 500, 10% a timeout of 1s against a 3s answer), for M minutes.
 * After each minute it prints the heap used after a full GC, open file descriptors ({@code
 * /proc/self/fd}) and live threads; at the end, fires and rows missing in the counted window
 * (every whole second from the first full minute's start to the end, less the last 5 s that may
 * still be in flight): expected = J × seconds. A timeout job's next fire finds its last run still
 * going and is recorded SKIPPED (overlap: skip, the default): a run without a fetch, on purpose.
 *
 * <p>The engine, its H2 file and the loopback server share this JVM, so heap, descriptors and
 * threads include the server's (one event loop).
 *
 * <p>Run: {@code mvn -q exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.cronloop.bench.SoakBench -Dexec.args="500 3"}
 */
public final class SoakBench {
  public static void main(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int minutes = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    Path dir = Files.createTempDirectory("cronloop-soak");
    Path folder = dir.resolve("jobs");
    String db = "jdbc:h2:file:" + dir.resolve("db/cronloop");
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    List<String> perMinute = new ArrayList<>();
    try (LoopbackServer server = LoopbackServer.startCounting(1)) {
      for (int j = 0; j < jobs; j++) {
        String url = switch (j % 10) {
          case 0 -> server.url("/status/500/" + j);
          case 1 -> server.url("/delay/3000/" + j);
          default -> server.url("/delay/5/" + j);
        };
        JobFiles.write(folder, "soak-" + j + ".yaml", """
            schedule: "* * * * * ?"
            timeout: 1s
            requests:
              - %s
            """.formatted(url));
      }
      Engine engine = Engine.builder().jobs(folder).database(db).build();
      engine.start().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
      long start = (System.currentTimeMillis() / 1000 + 2) * 1000;
      System.out.println(line(0, memory, perMinute));
      for (int m = 1; m <= minutes; m++) {
        Thread.sleep(Math.max(0, start + m * 60_000L - System.currentTimeMillis()));
        System.out.println(line(m, memory, perMinute));
      }
      long end = start + minutes * 60_000L - 5_000;
      engine.close().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);

      long seconds = (end - start) / 1000;
      long expected = jobs * seconds;
      long[] c = counts(db, Instant.ofEpochMilli(start), Instant.ofEpochMilli(end));
      String result = String.format(
          "{\"workload\":\"soak\",\"jobs\":%d,\"minutes\":%d,\"countedSeconds\":%d,\"expectedRuns\":%d,"
              + "\"runs\":%d,\"distinctFires\":%d,\"missingFires\":%d,\"duplicateRuns\":%d,\"runsNotFinal\":%d,"
              + "\"runsWithoutTheirFetch\":%d,\"ok\":%d,\"http500\":%d,\"timeouts\":%d,\"skippedOverlap\":%d,\"perMinute\":[%s]}",
          jobs, minutes, seconds, expected, c[0], c[1], expected - c[1], c[0] - c[1], c[2], c[3], c[4], c[5],
          c[6], c[7], String.join(",", perMinute));
      System.out.println(result);
      Files.createDirectories(Path.of("target/bench"));
      Files.writeString(Path.of("target/bench/soak.json"), result + "\n");
    }
  }

  /** One minute's figures: heap after a full GC, open descriptors, live threads. */
  private static String line(int minute, MemoryMXBean memory, List<String> perMinute) throws Exception {
    System.gc();
    long heapMb = memory.getHeapMemoryUsage().getUsed() / (1024 * 1024);
    long fds;
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      fds = s.count();
    }
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    String json = String.format("{\"minute\":%d,\"heapMb\":%d,\"fds\":%d,\"threads\":%d}", minute, heapMb, fds, threads);
    perMinute.add(json);
    return "soak minute=" + minute + " heapAfterGcMb=" + heapMb + " fds=" + fds + " threads=" + threads;
  }

  /**
   * In the window: runs, distinct (job, scheduled second), runs not final, runs whose fetch row is
   * missing, and fetch outcomes OK, 500 and TIMEOUT.
   */
  private static long[] counts(String url, Instant from, Instant to) throws Exception {
    String window = " scheduled_at >= ? AND scheduled_at < ?";
    String[] queries = {
      "SELECT COUNT(*) FROM runs WHERE" + window,
      "SELECT COUNT(*) FROM (SELECT DISTINCT job_id, scheduled_at FROM runs WHERE" + window + ") d",
      "SELECT COUNT(*) FROM runs WHERE" + window + " AND (status = 'RUNNING' OR finished_at IS NULL)",
      "SELECT COUNT(*) FROM runs r WHERE" + window.replace("scheduled_at", "r.scheduled_at")
          + " AND r.status <> 'SKIPPED' AND NOT EXISTS (SELECT 1 FROM fetches f WHERE f.run_id = r.id)",
      "SELECT COUNT(*) FROM fetches f JOIN runs r ON r.id = f.run_id WHERE"
          + window.replace("scheduled_at", "r.scheduled_at") + " AND f.outcome = 'OK'",
      "SELECT COUNT(*) FROM fetches f JOIN runs r ON r.id = f.run_id WHERE"
          + window.replace("scheduled_at", "r.scheduled_at") + " AND f.status_code = 500",
      "SELECT COUNT(*) FROM fetches f JOIN runs r ON r.id = f.run_id WHERE"
          + window.replace("scheduled_at", "r.scheduled_at") + " AND f.outcome = 'TIMEOUT'",
      "SELECT COUNT(*) FROM runs WHERE" + window + " AND status = 'SKIPPED'",
    };
    long[] out = new long[queries.length];
    try (Database db = Database.open(url, 1); Connection c = db.dataSource().getConnection()) {
      for (int i = 0; i < queries.length; i++) {
        try (PreparedStatement s = c.prepareStatement(queries[i])) {
          s.setObject(1, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
          s.setObject(2, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
          try (ResultSet rs = s.executeQuery()) {
            rs.next();
            out[i] = rs.getLong(1);
          }
        }
      }
    }
    return out;
  }
}
