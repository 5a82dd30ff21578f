package dev.cronloop.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Real {@code cronloop run} node processes on one fresh PostgreSQL database, for the cluster
 * tests ({@code *IT}, tag {@code cluster}): each node has its own copy of {@link #JOBS} jobs that
 * fire every second against one loopback server, and checks in every {@link #CHECKIN}. Closing
 * resumes any node stopped with SIGSTOP, stops every node, the server and the database.
 */
public final class ClusterNodes implements AutoCloseable {
  /** Every-second jobs {@code tick-1} .. {@code tick-12} on each node. */
  public static final int JOBS = 12;
  /** The nodes' check-in interval. */
  public static final Duration CHECKIN = Duration.ofSeconds(2);
  /** Three nodes, PostgreSQL and the build share two cores: spare JIT and GC threads. */
  private static final List<String> LIGHT_JVM =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-XX:CICompilerCount=1");

  /** A row of {@code runs} of a {@code tick-N} job. */
  public record Run(String job, Instant scheduledAt, Instant firedAt, String node, String status) {}

  private final Path dir;
  private final Postgres pg;
  private final LoopbackServer server;
  private final List<ChildProcess> nodes = new ArrayList<>();

  private ClusterNodes(Path dir, Postgres pg, LoopbackServer server) {
    this.dir = dir;
    this.pg = pg;
    this.server = server;
  }

  /** A fresh database and a loopback server; the nodes' jobs folders go under {@code dir}. */
  public static ClusterNodes open(Path dir) throws Exception {
    Postgres pg = Postgres.freshDatabase();
    try {
      return new ClusterNodes(dir, pg, LoopbackServer.start());
    } catch (Exception e) {
      pg.close();
      throw e;
    }
  }

  /** Prints what the nodes logged, other than DEBUG, when a test fails; register it with {@code @RegisterExtension}. */
  public static TestWatcher printNodesOnFailure(Supplier<ClusterNodes> cluster) {
    return new TestWatcher() {
      @Override
      public void testFailed(ExtensionContext context, Throwable cause) {
        ClusterNodes c = cluster.get();
        for (int i = 0; c != null && i < c.nodes.size(); i++) {
          System.out.println("---- node " + (i + 1) + " (pid " + c.nodes.get(i).pid() + ") ----");
          c.nodes.get(i).output().lines().filter(l -> !l.contains(" DEBUG ")).forEach(System.out::println);
        }
      }
    };
  }

  /**
   * Starts node {@code name} with the tick jobs, {@code extraJob} (a job file's text, or null) as
   * {@code slow.yaml}, and {@code moreArgs} after the common ones; does not wait for it.
   */
  public ChildProcess start(String name, String extraJob, String... moreArgs) throws Exception {
    Path jobs = dir.resolve("jobs-" + name + "-" + nodes.size());
    for (int j = 1; j <= JOBS; j++) {
      JobFiles.write(jobs, "tick-" + j + ".yaml", """
          schedule: "* * * * * ?"
          requests:
            - %s
          """.formatted(server.url("/tick/" + j)));
    }
    if (extraJob != null) {
      JobFiles.write(jobs, "slow.yaml", extraJob);
    }
    List<String> args = new ArrayList<>(List.of("run", "--jobs", jobs.toString(), "--db", pg.url(),
        "--http", "127.0.0.1:0", "--node", name, "--checkin", CHECKIN.toSeconds() + "s", "--grace", "1s"));
    args.addAll(List.of(moreArgs));
    ChildProcess node = ChildProcess.cronloop(LIGHT_JVM, args.toArray(String[]::new));
    nodes.add(node);
    return node;
  }

  /** Waits until {@code node} logged its start line, and fails with its output when it died first. */
  public static void awaitStarted(ChildProcess node) {
    await().atMost(Duration.ofSeconds(90)).until(() -> node.output().contains("cronloop started")
        || node.output().contains("Exception in"));
    assertThat(node.output()).contains("cronloop started");
  }

  /** The nodes started so far, in order. */
  public List<ChildProcess> nodes() {
    return nodes;
  }

  public LoopbackServer server() {
    return server;
  }

  public Postgres pg() {
    return pg;
  }

  /** The runs of the tick jobs scheduled in [{@code from}, {@code to}). */
  public List<Run> tickRuns(Instant from, Instant to) throws Exception {
    try (Connection c = pg.connect();
        PreparedStatement s = c.prepareStatement(
            "SELECT job_id, scheduled_at, fired_at, node, status FROM runs"
                + " WHERE job_id LIKE 'tick-%' AND scheduled_at >= ? AND scheduled_at < ?")) {
      s.setObject(1, from.atOffset(ZoneOffset.UTC));
      s.setObject(2, to.atOffset(ZoneOffset.UTC));
      List<Run> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          rows.add(new Run(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant(),
              rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getString(4), rs.getString(5)));
        }
      }
      return rows;
    }
  }

  /** {@code SELECT COUNT(*) FROM runs WHERE} {@code where}. */
  public long countRuns(String where) throws Exception {
    try (Connection c = pg.connect();
        ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM runs WHERE " + where)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Sends {@code kill -SIGNAL} to {@code node} ("STOP", "CONT"). */
  public static void signal(String signal, ChildProcess node) throws Exception {
    new ProcessBuilder("kill", "-" + signal, Long.toString(node.pid()))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
  }

  public static Instant nextWholeSecond(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
  }

  /** The cluster tests run a schedule for a fixed span of wall time; this waits out that span. */
  public static void sleepUntil(Instant t) throws InterruptedException {
    long ms = Duration.between(Instant.now(), t).toMillis();
    if (ms > 0) {
      Thread.sleep(ms);
    }
  }

  @Override
  public void close() throws Exception {
    for (ChildProcess node : nodes) {
      signal("CONT", node); // a node a test stopped must be resumed to stop
      node.close();
    }
    server.close();
    pg.close();
  }
}
