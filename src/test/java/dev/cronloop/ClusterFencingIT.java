package dev.cronloop;

import static dev.cronloop.testkit.ClusterNodes.CHECKIN;
import static dev.cronloop.testkit.ClusterNodes.JOBS;
import static dev.cronloop.testkit.ClusterNodes.awaitStarted;
import static dev.cronloop.testkit.ClusterNodes.nextWholeSecond;
import static dev.cronloop.testkit.ClusterNodes.signal;
import static dev.cronloop.testkit.ClusterNodes.sleepUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.testkit.ChildProcess;
import dev.cronloop.testkit.ClusterNodes;
import dev.cronloop.testkit.ClusterNodes.Run;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
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
 * Leases and fencing in a cluster (issue 14, items 3 and 4), with real node processes on one
 * PostgreSQL database: a second live node with a name already in use is refused, and a node that
 * cannot check in (its JVM stopped with SIGSTOP, as a long GC pause would) launches nothing once its
 * check-in has run out, not even the fires it had been handed before; no instant runs twice.
 */
@Tag("cluster")
@Timeout(240)
class ClusterFencingIT {
  @TempDir Path dir;
  private ClusterNodes cluster;

  @RegisterExtension
  final TestWatcher printNodesOnFailure = ClusterNodes.printNodesOnFailure(() -> cluster);

  @BeforeEach
  void setUp() throws Exception {
    cluster = ClusterNodes.open(dir);
  }

  @AfterEach
  void tearDown() throws Exception {
    cluster.close();
  }

  @Test
  void a_second_live_node_with_a_name_in_use_exits_2_with_one_line() throws Exception {
    ChildProcess first = node("node-1");
    awaitStarted(first);

    ChildProcess twin = node("node-1");
    int exit = twin.waitFor(Duration.ofSeconds(60));

    List<String> lines = twin.output().lines().toList();
    System.out.printf("cluster lease: a second node-1 refused: %s%n", lines);
    assertThat(exit).as(twin.output()).isEqualTo(2);
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0))
        .startsWith("cronloop: node name \"node-1\" on jdbc:postgresql:")
        .contains("in use by node node-1 (pid " + first.pid() + " on host ")
        .endsWith("give this node another --node name, or stop that process first");
    assertThat(first.output()).doesNotContain("stopped checking in").doesNotContain("restarted");
  }

  @Test
  void a_node_stopped_past_its_check_in_launches_nothing_it_was_handed_and_no_instant_runs_twice()
      throws Exception {
    ChildProcess one = node("node-1");
    ChildProcess two = node("node-2");
    awaitStarted(one);
    awaitStarted(two);
    Instant from = nextWholeSecond(Instant.now().plusSeconds(3));
    await().atMost(Duration.ofSeconds(30)).until(() -> count("node = 'node-2'") > 0);

    // Stopped 100 ms before a second: node-2 holds the fires it was handed for that second.
    Instant stop = nextWholeSecond(Instant.now().plusSeconds(2)).minusMillis(100);
    sleepUntil(stop);
    signal("STOP", two);
    Instant stoppedAt = Instant.now();
    sleepUntil(stoppedAt.plusSeconds(12)); // check-in 2 s + grace 2 s: node-1 takes over meanwhile
    signal("CONT", two);
    Instant resumedAt = Instant.now();
    sleepUntil(resumedAt.plusSeconds(30)); // the repair re-arms what node-2 left untaken, 10 to 25 s on
    Instant to = nextWholeSecond(Instant.now()).minusSeconds(2);
    for (ChildProcess node : cluster.nodes()) {
      node.signalTerm();
      assertThat(node.waitFor(Duration.ofSeconds(60))).as(node.output()).isZero();
    }

    List<Run> rows = rows(from, to);
    Map<String, Long> perInstant = rows.stream()
        .collect(Collectors.groupingBy(r -> r.job() + "@" + r.scheduledAt(), TreeMap::new, Collectors.counting()));
    List<String> twice = perInstant.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    long missing = (long) JOBS * Duration.between(from, to).toSeconds() - perInstant.size();
    System.out.printf("cluster fencing: node-2 stopped with SIGSTOP %s..%s (%d ms); %d fires over %d s,"
            + " %d instants not run (handed to node-2 before the stop and refused after), %d run twice%n",
        stoppedAt, resumedAt, Duration.between(stoppedAt, resumedAt).toMillis(), rows.size(),
        Duration.between(from, to).toSeconds(), missing, twice.size());

    assertThat(twice).as("instants run more than once").isEmpty();
    // What node-2 held for the second after the stop never launches, even once it is back.
    assertThat(two.output()).contains("lease is not valid").doesNotContain("Exception in");
  }

  @Test
  void nodes_whose_check_in_is_blocked_launch_nothing_once_it_has_run_out() throws Exception {
    ChildProcess one = node("node-1");
    ChildProcess two = node("node-2");
    awaitStarted(one);
    awaitStarted(two);
    Instant from = nextWholeSecond(Instant.now().plusSeconds(3));
    await().atMost(Duration.ofSeconds(30)).until(() -> count("node = 'node-2'") > 0 && count("node = 'node-1'") > 0);
    Duration fence = dev.cronloop.bridge.ClusterJobStore.fenceFor(CHECKIN);

    Instant lockedAt;
    Instant unlockedAt;
    try (Connection c = cluster.pg().connect()) {
      // Every check-in writes this table: with it locked, no node can check in (a partition from
      // the database as far as the check-in goes), while everything else goes on.
      c.setAutoCommit(false);
      c.createStatement().execute("LOCK TABLE qrtz_scheduler_state IN EXCLUSIVE MODE");
      lockedAt = Instant.now();
      sleepUntil(lockedAt.plus(fence).plusSeconds(8));
      unlockedAt = Instant.now();
      c.rollback();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> count("fired_at > '" + unlockedAt.plusSeconds(1) + "'") > 0);
    sleepUntil(Instant.now().plusSeconds(3));
    Instant to = nextWholeSecond(Instant.now()).minusSeconds(2);
    for (ChildProcess node : cluster.nodes()) {
      node.signalTerm();
      assertThat(node.waitFor(Duration.ofSeconds(60))).as(node.output()).isZero();
    }

    // The last check-in that succeeded started before the lock; the fence closed by then + fence.
    Instant closed = lockedAt.plus(fence).plusMillis(100);
    List<Run> rows = rows(from, to);
    List<Run> launchedWhileFenced = rows.stream()
        .filter(r -> !r.status().equals("SKIPPED") && r.firedAt().isAfter(closed) && r.firedAt().isBefore(unlockedAt))
        .toList();
    Map<String, Long> perInstant = rows.stream()
        .collect(Collectors.groupingBy(r -> r.job() + "@" + r.scheduledAt(), TreeMap::new, Collectors.counting()));
    List<String> twice = perInstant.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    Instant firstAfter = rows.stream().map(Run::firedAt).filter(t -> t.isAfter(closed)).min(Instant::compareTo).orElseThrow();
    System.out.printf("cluster fencing: check-ins blocked %s..%s; fence closed by %s (check-in %d ms + grace - margin"
            + " = %d ms); %d runs launched while fenced; %d of %d fires over %d s run (late ones re-armed by the"
            + " repair), %d run twice; first launch after: %s%n",
        lockedAt, unlockedAt, closed, CHECKIN.toMillis(), fence.toMillis(), launchedWhileFenced.size(), rows.size(),
        JOBS * Duration.between(from, to).toSeconds(), Duration.between(from, to).toSeconds(), twice.size(), firstAfter);

    assertThat(launchedWhileFenced).as("runs launched while no node could check in").isEmpty();
    assertThat(twice).as("instants run more than once").isEmpty();
    assertThat(firstAfter).as("firing resumes once the nodes check in again").isAfter(unlockedAt);
  }

  private ChildProcess node(String name) throws Exception {
    return cluster.start(name, null, "--lease", "1s");
  }

  private List<Run> rows(Instant from, Instant to) throws Exception {
    return cluster.tickRuns(from, to);
  }

  private long count(String where) throws Exception {
    return cluster.countRuns(where);
  }
}
