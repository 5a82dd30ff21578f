package dev.cronloop;

import static dev.cronloop.testkit.ClusterNodes.CHECKIN;
import static dev.cronloop.testkit.ClusterNodes.JOBS;
import static dev.cronloop.testkit.ClusterNodes.nextWholeSecond;
import static dev.cronloop.testkit.ClusterNodes.sleepUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.testkit.ChildProcess;
import dev.cronloop.testkit.ClusterNodes;
import dev.cronloop.testkit.ClusterNodes.Run;
import dev.cronloop.testkit.LoopbackServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real {@code cronloop run} node processes on one PostgreSQL database (DESIGN.md, "Cluster"):
 * every fire runs exactly once, recorded in {@code runs.node}; a node stopped gracefully or killed
 * is taken over by the others. Each test prints its figures (fires per node, lateness, takeover).
 */
@Tag("cluster")
@Timeout(240)
class ClusterIT {
  @TempDir Path dir;
  private ClusterNodes cluster;
  private List<ChildProcess> nodes;
  private LoopbackServer server;

  @RegisterExtension
  final TestWatcher printNodesOnFailure = ClusterNodes.printNodesOnFailure(() -> cluster);

  @BeforeEach
  void setUp() throws Exception {
    cluster = ClusterNodes.open(dir);
    nodes = cluster.nodes();
    server = cluster.server();
  }

  @AfterEach
  void tearDown() throws Exception {
    cluster.close();
  }

  @Test
  void three_nodes_run_each_fire_of_every_second_jobs_once_and_survive_a_graceful_stop()
      throws Exception {
    startNodes(3);
    Instant from = nextWholeSecond(Instant.now().plusSeconds(2));
    Instant stop = from.plusSeconds(40);
    Instant to = from.plusSeconds(60);

    sleepUntil(stop.plusMillis(300));
    ChildProcess stopped = nodes.get(2);
    stopped.signalTerm();
    assertThat(stopped.waitFor(Duration.ofSeconds(30))).as(stopped.output()).isZero();
    sleepUntil(to.plusSeconds(3));

    List<Run> rows = scheduledRuns(from, to);
    report("3 nodes, node-3 stopped at +40s", rows, from, to);
    assertExactlyOnce(rows, from, to);
    assertThat(rows).extracting(Run::node).contains("node-1", "node-2", "node-3");
    assertThat(lateness(rows.stream().filter(r -> r.scheduledAt().isAfter(stop)).toList()).max)
        .as("lateness after the graceful stop (ms): no failover wait").isLessThan(1_000);
  }

  @Test
  void one_node_on_postgres_runs_each_fire_once_as_the_lateness_baseline() throws Exception {
    startNodes(1);
    Instant from = nextWholeSecond(Instant.now().plusSeconds(2));
    Instant to = from.plusSeconds(20);

    sleepUntil(to.plusSeconds(2));

    List<Run> rows = scheduledRuns(from, to);
    report("1 node baseline", rows, from, to);
    assertExactlyOnce(rows, from, to);
  }

  @Test
  void killed_node_is_taken_over_and_its_unfinished_runs_are_interrupted() throws Exception {
    startNodes(3, """
        schedule: "@every 1s"
        overlap: skip
        timeout: 5m
        requests:
          - %s
        """.formatted(server.url("/delay/120000")));
    Instant from = nextWholeSecond(Instant.now().plusSeconds(2));
    await().atMost(Duration.ofSeconds(30)).until(() -> runningOn("node-2") > 0);
    // Fires handed to a node's event loop in the last moments before SIGKILL die with it (at most
    // once); killing half a second after the fires of a second leaves them time to be recorded.
    Instant kill = nextWholeSecond(Instant.now()).plusSeconds(8).plusMillis(500);
    sleepUntil(kill);
    nodes.get(1).kill();
    Instant to = nextWholeSecond(kill).plusSeconds(20);

    await().atMost(Duration.ofSeconds(30)).until(() -> runningOn("node-2") == 0);
    long interruptedAfterMs = Duration.between(kill, Instant.now()).toMillis();
    sleepUntil(to.plusSeconds(2));

    List<Run> rows = scheduledRuns(from, to);
    List<Run> afterKill = rows.stream().filter(r -> r.scheduledAt().isAfter(kill)).toList();
    Lateness late = lateness(afterKill);
    report("3 nodes, node-2 killed at " + kill, rows, from, to);
    System.out.printf("cluster takeover: node-2 killed with SIGKILL (check-in %d ms); its triggers freed and"
        + " its RUNNING runs INTERRUPTED %d ms after the kill; fires after the kill at most %d ms late%n",
        CHECKIN.toMillis(), interruptedAfterMs, late.max);
    assertExactlyOnce(rows, from, to);
    assertThat(countRuns("node = 'node-2' AND status = 'INTERRUPTED'")).isPositive();
    assertThat(afterKill).extracting(Run::node).doesNotContain("node-2");
    // Interval + grace (2 s + 2 s) after the last check-in, plus up to one survivor check-in.
    assertThat(late.max).as("takeover (ms)").isLessThan(CHECKIN.toMillis() * 5);
  }

  /** Issue 14, item 6: a pause is stored in the database, not in one node's memory. */
  @Test
  void a_pause_reaches_the_other_node_within_a_checkin_and_each_fire_it_holds_back_is_one_skipped_run()
      throws Exception {
    startNodes(2);
    int port1 = httpPort(nodes.get(0));
    int port2 = httpPort(nodes.get(1));

    int paused = post(port1, "/api/jobs/tick-1/pause");
    long t0 = System.nanoTime();
    await().pollInterval(Duration.ofMillis(50)).atMost(CHECKIN)
        .until(() -> state(port2, "tick-1").equals("paused"));
    long seenMs = (System.nanoTime() - t0) / 1_000_000;
    Instant from = nextWholeSecond(Instant.now().plusSeconds(1));
    Instant to = from.plusSeconds(10);
    sleepUntil(to.plusSeconds(2));
    int resumed = post(port2, "/api/jobs/tick-1/resume");
    long t1 = System.nanoTime();
    await().pollInterval(Duration.ofMillis(50)).atMost(CHECKIN)
        .until(() -> state(port1, "tick-1").equals("scheduled"));
    long resumeSeenMs = (System.nanoTime() - t1) / 1_000_000;

    System.out.printf("cluster pause: node-2 saw node-1's pause after %d ms, node-1 saw node-2's resume"
        + " after %d ms (check-in %d ms)%n", seenMs, resumeSeenMs, CHECKIN.toMillis());
    assertThat(paused).isEqualTo(200);
    assertThat(resumed).isEqualTo(200);
    List<Run> rows = scheduledRuns(from, to);
    assertExactlyOnce(rows, from, to);
    List<Run> tick1 = rows.stream().filter(r -> r.job().equals("tick-1")).toList();
    assertThat(tick1).hasSize(10);
    assertThat(countRuns("job_id = 'tick-1' AND status = 'SKIPPED' AND reason LIKE 'paused by API at %'"
        + " AND scheduled_at >= '" + from + "' AND scheduled_at < '" + to + "'")).isEqualTo(10);
    assertThat(countRuns("job_id <> 'tick-1' AND reason LIKE 'paused%'")).isZero();
  }

  private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

  /** The HTTP port a node logged at start. */
  private static int httpPort(ChildProcess node) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("http 127\\.0\\.0\\.1:(\\d+)").matcher(node.output());
    assertThat(m.find()).as("the node logged its HTTP port: %s", node.output()).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static int post(int port, String path) throws Exception {
    java.net.http.HttpResponse<String> r = HTTP.send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
            .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    return r.statusCode();
  }

  private static String state(int port, String job) throws Exception {
    java.net.http.HttpResponse<String> r = HTTP.send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/api/jobs/" + job)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    return new io.vertx.core.json.JsonObject(r.body()).getString("state");
  }

  private void startNodes(int n) throws Exception {
    startNodes(n, null);
  }

  /** Starts {@code n} nodes, each with its own copy of the jobs folder, and waits until all have started. */
  private void startNodes(int n, String extraJob) throws Exception {
    for (int i = 1; i <= n; i++) {
      cluster.start("node-" + i, extraJob);
    }
    nodes.forEach(ClusterNodes::awaitStarted);
  }

  private List<Run> scheduledRuns(Instant from, Instant to) throws Exception {
    return cluster.tickRuns(from, to);
  }

  private long runningOn(String node) throws Exception {
    return countRuns("node = '" + node + "' AND status = 'RUNNING'");
  }

  private long countRuns(String where) throws Exception {
    return cluster.countRuns(where);
  }

  /** Every job has exactly one run per second of [from, to): none twice, none missing. */
  private static void assertExactlyOnce(List<Run> rows, Instant from, Instant to) {
    Map<String, Long> counts = rows.stream()
        .collect(Collectors.groupingBy(r -> r.job() + "@" + r.scheduledAt(), TreeMap::new, Collectors.counting()));
    List<String> duplicates = counts.entrySet().stream()
        .filter(e -> e.getValue() > 1).map(e -> e.getKey() + " x" + e.getValue()).toList();
    List<String> missing = new ArrayList<>();
    for (int j = 1; j <= JOBS; j++) {
      for (Instant t = from; t.isBefore(to); t = t.plusSeconds(1)) {
        if (!counts.containsKey("tick-" + j + "@" + t)) {
          missing.add("tick-" + j + "@" + t);
        }
      }
    }
    assertThat(duplicates).as("fires run more than once").isEmpty();
    assertThat(missing).as("fires never run").isEmpty();
    assertThat(rows).hasSize(JOBS * (int) Duration.between(from, to).toSeconds());
  }

  private record Lateness(long p50, long p99, long max) {}

  private static Lateness lateness(List<Run> rows) {
    long[] ms = rows.stream()
        .mapToLong(r -> Duration.between(r.scheduledAt(), r.firedAt()).toMillis()).sorted().toArray();
    if (ms.length == 0) {
      return new Lateness(0, 0, 0);
    }
    return new Lateness(ms[ms.length / 2], ms[(int) (ms.length * 0.99)], ms[ms.length - 1]);
  }

  private static void report(String what, List<Run> rows, Instant from, Instant to) {
    Map<String, Long> perNode = rows.stream()
        .collect(Collectors.groupingBy(Run::node, TreeMap::new, Collectors.counting()));
    Lateness l = lateness(rows);
    System.out.printf("cluster %s: %d fires over %d s of %d every-second jobs; per node %s;"
        + " lateness p50=%dms p99=%dms max=%dms%n",
        what, rows.size(), Duration.between(from, to).toSeconds(), JOBS, perNode, l.p50, l.p99, l.max);
    Map<Instant, Long> lateSeconds = rows.stream()
        .filter(r -> Duration.between(r.scheduledAt(), r.firedAt()).toMillis() > 500)
        .collect(Collectors.groupingBy(Run::scheduledAt, TreeMap::new, Collectors.counting()));
    if (!lateSeconds.isEmpty()) {
      System.out.printf("cluster %s: fires over 500 ms late, by second: %s%n", what, lateSeconds);
    }
  }
}
