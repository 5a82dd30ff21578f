package dev.cronloop.bench;

import dev.cronloop.Engine;
import dev.cronloop.model.RunResult;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.Nginx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The throughput workload: one job of N requests to a static file served by Debian's nginx on
 * loopback at concurrency C; the figure is rows committed per second, against wrk's requests
 * per second on the same file at C connections. Warm, it also reports the CPU time the engine's
 * process spent per recorded request (every thread: event loop, recorder, H2, JIT and GC), from
 * the process CPU clock around each fire; nginx runs in a process of its own.
 *
 * <p>Run: {@code mvn -q -DskipTests package && mvn -q exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.cronloop.bench.ThroughputBench -Dexec.args="50000 64"} (needs {@code
 * apt-get install -y nginx-light wrk}).
 */
public final class ThroughputBench {
  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    Path dir = Files.createTempDirectory("cronloop-throughput");
    try (Nginx nginx = Nginx.start(1024)) {
      Path jobs = dir.resolve("jobs");
      JobFiles.urls(jobs, "static.txt", nginx.url("/file.txt?i="), requests);
      JobFiles.write(jobs, "static.yaml", """
          schedule: "0 0 0 1 1 ? 2099"
          concurrency: %d
          urlsFrom: static.txt
          """.formatted(concurrency));
      double wrk = wrk(nginx.url("/file.txt"), concurrency);
      double cold = requests / (Bench.coldFire(jobs, dir, "static") / 1000.0);
      Warm best = warm(jobs, dir);
      double warm = requests / (best.millis() / 1000.0);
      double cpuMsPerRequest = best.cpuNanos() / 1e6 / requests;
      System.out.printf(
          "{\"workload\":\"throughput\",\"requests\":%d,\"concurrency\":%d,\"coldRowsPerSecond\":%.0f,"
              + "\"warmRowsPerSecond\":%.0f,\"wrkRequestsPerSecond\":%.0f,\"coldRatio\":%.2f,\"warmRatio\":%.2f,"
              + "\"warmCpuMsPerRequest\":%.4f}%n",
          requests, concurrency, cold, warm, wrk, cold / wrk, warm / wrk, cpuMsPerRequest);
    }
  }

  static double wrk(String url, int connections) throws Exception {
    Process p = new ProcessBuilder("wrk", "-t1", "-c" + connections, "-d5s", url)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("wrk failed (apt-get install -y wrk):\n" + out);
    }
    Matcher m = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("no Requests/sec in wrk output:\n" + out);
    }
    return Double.parseDouble(m.group(1));
  }

  /**
   * A running engine's figures: the median duration and process CPU time of {@link
   * Bench#MEASURED} fires after {@link Bench#WARM_UP} fires that let the JIT compile the path.
   */
  private record Warm(long millis, long cpuNanos) {}

  private static Warm warm(Path jobs, Path dir) throws Exception {
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    Engine engine = Engine.builder().jobs(jobs).database("jdbc:h2:file:" + dir.resolve("warm/cronloop"))
        .schedule(false).build();
    engine.start().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    try {
      long[] millis = new long[Bench.MEASURED];
      long[] cpus = new long[Bench.MEASURED];
      for (int i = 0; i < Bench.WARM_UP + Bench.MEASURED; i++) {
        long cpu0 = os.getProcessCpuTime();
        RunResult r = engine.fire("static").toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
        long cpu = os.getProcessCpuTime() - cpu0;
        if (r.failed() > 0) {
          throw new IllegalStateException(r.failed() + " requests failed");
        }
        if (i >= Bench.WARM_UP) {
          millis[i - Bench.WARM_UP] = r.duration().toMillis();
          cpus[i - Bench.WARM_UP] = cpu;
        }
      }
      return new Warm(Bench.median(millis), Bench.median(cpus));
    } finally {
      engine.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }
  }
}
