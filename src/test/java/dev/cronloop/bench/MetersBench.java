package dev.cronloop.bench;

import dev.cronloop.definition.JobDefinition;
import dev.cronloop.definition.JobFileParser;
import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Fire;
import dev.cronloop.model.Outcome;
import dev.cronloop.model.RunResult;
import dev.cronloop.model.RunStatus;
import dev.cronloop.server.Metrics;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;

/**
 * The per-job meters of a fleet, without the fleet: a {@link Metrics} (no JVM meters) that has
 * seen J jobs fire once on schedule, each with U requests ended OK and its run ended OK, as the
 * engine reports them. Prints the heap the meters hold (used after a full GC, less the same
 * registry with no job), the size of one {@code /metrics} body ({@link Metrics#exposition()}),
 * its time and what it allocates (median of five) against the String form ({@link
 * Metrics#scrape()}), and what the registry's snapshots of all series allocate and hold, as one
 * JSON line; with a third argument {@code histogram}, also the top of the class
 * histogram ({@code jcmd GC.class_histogram}) of this JVM holding the meters.
 *
 * <p>Run (about 30 s): {@code mvn -q exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.cronloop.bench.MetersBench -Dexec.args="10000 10 histogram"}.
 */
public final class MetersBench {
  public static void main(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int urls = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    boolean histogram = args.length > 2 && args[2].equals("histogram");
    JobFileParser parser = JobFileParser.withEnv(Map.of());

    long empty = usedAfterGc();
    Metrics metrics = new Metrics(InstantSource.system(), false);
    Instant now = Instant.now();
    long run = 0;
    for (int j = 0; j < jobs; j++) {
      String id = FleetBench.id(j);
      JobDefinition job = parser.parse(Path.of(id + ".yaml"),
          "schedule: \"*/1 * * * *\"\nrequests:\n  - http://127.0.0.1:1/\n").jobs().get(0);
      metrics.fired(Fire.scheduled(job, now.minusMillis(3), now));
      run++;
      metrics.runStarting(run, id, dev.cronloop.model.Trigger.SCHEDULE, now.minusMillis(3));
      for (int u = 0; u < urls; u++) {
        metrics.fetchStarting(run, id, "http://127.0.0.1:1/" + u);
        metrics.fetchEnded(new FetchRow(run, id, "http://127.0.0.1:1/" + u, "GET", 1, 200, Outcome.OK, null,
            5 + (u * 7 + j) % 46, 2, now, now));
      }
      metrics.runEnded(new RunResult(run, id, RunStatus.OK, urls, urls, 0, now, now));
    }
    long held = usedAfterGc() - empty;
    if (histogram) {
      String pid = Long.toString(ProcessHandle.current().pid());
      Process p = new ProcessBuilder("jcmd", pid, "GC.class_histogram").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      Path file = Files.createTempFile("meters-histogram", ".txt");
      Files.writeString(file, out);
      out.lines().limit(45).forEach(System.out::println);
      System.out.println("(whole histogram: " + file + ")");
    }

    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] millis = new long[5];
    long[] allocated = new long[5];
    long[] textAllocated = new long[5];
    long bytes = 0;
    long lines = metrics.scrape().lines().count();
    for (int i = 0; i < millis.length; i++) {
      long a0 = threads.getCurrentThreadAllocatedBytes();
      long t0 = System.nanoTime();
      bytes = metrics.exposition().length(); // what GET /metrics sends
      millis[i] = (System.nanoTime() - t0) / 1_000_000;
      long a1 = threads.getCurrentThreadAllocatedBytes();
      metrics.scrape().length(); // the String form, for comparison
      textAllocated[i] = threads.getCurrentThreadAllocatedBytes() - a1;
      allocated[i] = a1 - a0;
    }
    // The registry's snapshots of every series, which a scrape holds at once while it writes them.
    long beforeSnapshots = usedAfterGc();
    long s0 = threads.getCurrentThreadAllocatedBytes();
    Object snapshots = ((io.micrometer.prometheusmetrics.PrometheusMeterRegistry) metrics.registry())
        .getPrometheusRegistry().scrape();
    long snapshotsAllocated = threads.getCurrentThreadAllocatedBytes() - s0;
    long snapshotsHeld = usedAfterGc() - beforeSnapshots;
    System.out.println(snapshots.getClass().getSimpleName() + " held"); // keeps them reachable until here
    System.out.printf("{\"workload\":\"meters\",\"jobs\":%d,\"urlsPerJob\":%d,\"metersHeldMb\":%.1f,\"scrapeLines\":%d,"
            + "\"bytesPerJob\":%d,\"scrapeBytes\":%d,\"scrapeMs\":%d,\"scrapeAllocatedMb\":%.1f,"
            + "\"stringScrapeAllocatedMb\":%.1f,\"snapshotsAllocatedMb\":%.1f,\"snapshotsHeldMb\":%.1f}%n",
        jobs, urls, held / 1e6, lines, held / jobs, bytes, Bench.median(millis), Bench.median(allocated) / 1e6,
        Bench.median(textAllocated) / 1e6, snapshotsAllocated / 1e6, snapshotsHeld / 1e6);
    metrics.close();
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
