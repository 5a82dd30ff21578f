package dev.cronloop.bench;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Every workload of the benchmark suite in one run, each bounded in count and time, loopback
 * only; prints one JSON line per workload and appends them to {@code target/bench/results.jsonl}.
 *
 * <p>Run (about 9 minutes; needs {@code apt-get install -y nginx-light wrk}):
 *
 * <pre>
 * mvn -q -DskipTests package &amp;&amp; mvn -q exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.cronloop.bench.BenchSuite
 * </pre>
 */
public final class BenchSuite {
  public static void main(String[] args) throws Exception {
    Path results = Path.of("target/bench/results.jsonl");
    Files.createDirectories(results.getParent());
    PrintStream console = System.out;
    run(console, results, () -> BurstBench.main(new String[] {"20000", "20", "500"}));
    run(console, results, () -> TickBench.main(new String[] {"1000", "30", "5", "45"}));
    run(console, results, () -> ThroughputBench.main(new String[] {"50000", "64"}));
    run(console, results, () -> ScaleBench.run(new String[] {"10000", "100"}));
    run(console, results, () -> RecorderBench.main(new String[] {"300000"}));
    // The engine of these two runs in a child JVM with -Xmx256m: fleet 1 measured minute after a
    // warm one (about 3 minutes), sweep 1 cold fire and 2 warm (about 1.5 minutes).
    run(console, results, () -> FleetBench.run(new String[] {"10000", "10", "1", "60"}));
    run(console, results, () -> SweepBench.run(new String[] {"100000", "500", "1", "2"}));
    System.exit(0); // exec:java would otherwise wait for Vert.x and H2 threads it did not start
  }

  private interface Workload {
    void run() throws Exception;
  }

  /** Runs one workload with stdout captured, and keeps its JSON lines. */
  private static void run(PrintStream console, Path results, Workload w) throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(tee(console, captured), true, StandardCharsets.UTF_8));
    try {
      w.run();
    } finally {
      System.setOut(console);
    }
    StringBuilder json = new StringBuilder();
    for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith("{")) {
        json.append(line).append('\n');
      }
    }
    Files.writeString(results, json, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static OutputStream tee(OutputStream a, OutputStream b) {
    return new OutputStream() {
      @Override
      public void write(int c) throws java.io.IOException {
        a.write(c);
        b.write(c);
      }

      @Override
      public void write(byte[] buf, int off, int len) throws java.io.IOException {
        a.write(buf, off, len);
        b.write(buf, off, len);
      }
    };
  }
}
