package dev.cronloop.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * What the benchmarks of an engine in a child JVM share: the JVM options (a heap bound and a
 * flight recording), the recording's heap and GC figures, the process's CPU time and a few HTTP
 * reads of its API.
 */
final class ChildJvm {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private ChildJvm() {}

  /** JAVA_OPTS for a child with heap {@code heap} (e.g. 256m) recording to {@code jfr}, dumped at exit. */
  static List<String> options(String heap, Path jfr) {
    return List.of("-Xmx" + heap,
        "-XX:StartFlightRecording=filename=" + jfr + ",dumponexit=true,settings=default",
        "-Xlog:jfr+startup=off");
  }

  /** Heap and GC figures of one flight recording. */
  record Gc(double heapPeakMb, double heapAfterGcMaxMb, double pauseMaxMs, double pauseTotalMs, int collections,
      boolean outOfMemory) {
    static Gc read(Path jfr) throws IOException {
      return read(jfr, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** The figures of the events that start in [{@code from}, {@code to}), epoch milliseconds. */
    static Gc read(Path jfr, long from, long to) throws IOException {
      if (!Files.exists(jfr)) {
        return new Gc(-1, -1, -1, -1, -1, false);
      }
      long peak = 0;
      long afterMax = 0;
      long pauseMax = 0;
      long pauseTotal = 0;
      int collections = 0;
      boolean oom = false;
      for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
        long at = e.getStartTime().toEpochMilli();
        if (at < from || at >= to) {
          continue;
        }
        switch (e.getEventType().getName()) {
          case "jdk.GCHeapSummary" -> {
            long used = e.getLong("heapUsed");
            peak = Math.max(peak, used);
            if ("After GC".equals(e.getString("when"))) {
              afterMax = Math.max(afterMax, used);
            }
          }
          case "jdk.GarbageCollection" -> {
            collections++;
            pauseMax = Math.max(pauseMax, e.getDuration("longestPause").toNanos());
            pauseTotal += e.getDuration("sumOfPauses").toNanos();
          }
          case "jdk.JavaErrorThrow" -> oom |= e.getClass("thrownClass") != null
              && e.getClass("thrownClass").getName().endsWith("OutOfMemoryError");
          default -> { }
        }
      }
      return new Gc(peak / 1048576.0, afterMax / 1048576.0, pauseMax / 1e6, pauseTotal / 1e6, collections, oom);
    }
  }

  /** User + system CPU time of process {@code pid} so far, in milliseconds (Linux, /proc). */
  static long cpuMillis(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // utime, stime in 1/100 s
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The CPU time of this JVM, in milliseconds. */
  static long ownCpuMillis() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime() / 1_000_000;
  }

  /** A loopback port free now. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** GET {@code url}: the body, or null when it does not answer 200. */
  static String get(String url) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** POST {@code url} with no body: the body of a 2xx answer. */
  static String post(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException("POST " + url + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  /** Waits up to {@code max} for {@code http://127.0.0.1:PORT/ready} to answer 200. */
  static void awaitReady(int port, Duration max, dev.cronloop.testkit.ChildProcess child) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    while (get("http://127.0.0.1:" + port + "/ready") == null) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("engine not ready after " + max + ":\n" + child.output());
      }
      Thread.sleep(100);
    }
  }

  /** The sum of a Prometheus metric's samples whose line starts with {@code prefix}. */
  static double metric(String text, String prefix) {
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(prefix)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** The one-minute load average. */
  static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }
}
