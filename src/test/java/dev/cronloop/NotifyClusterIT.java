package dev.cronloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.testkit.ChildProcess;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.Postgres;
import dev.cronloop.testkit.Receiver;
import dev.cronloop.testkit.Receiver.Received;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code cronloop run} nodes on one PostgreSQL database, their runs of each job spread over
 * the nodes, the target failing and recovering twice: each transition is told once, by the node
 * that recorded it, whichever node ran the runs around it.
 */
@Tag("cluster")
@Timeout(300)
class NotifyClusterIT {
  private static final int JOBS = 4;
  private static final List<String> LIGHT_JVM =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-XX:CICompilerCount=1");

  @TempDir Path dir;

  @Test
  void three_nodes_tell_each_transition_once() throws Exception {
    List<ChildProcess> nodes = new ArrayList<>();
    try (Postgres pg = Postgres.freshDatabase(); Receiver receiver = Receiver.start()) {
      receiver.answer("/t/", 500);
      for (int i = 1; i <= 3; i++) {
        Path jobs = dir.resolve("jobs-" + i);
        JobFiles.write(jobs, "channels.yaml", "channels:\n  ops: { webhook: \"" + receiver.url("/hook") + "\" }\n");
        for (int j = 1; j <= JOBS; j++) {
          JobFiles.write(jobs, "flap-" + j + ".yaml", """
              schedule: "* * * * * ?"
              notify: { channels: [ops] }
              requests: [ "%s" ]
              """.formatted(receiver.url("/t/" + j)));
        }
        nodes.add(ChildProcess.cronloop(LIGHT_JVM, "run", "--jobs", jobs.toString(), "--db", pg.url(),
            "--http", "127.0.0.1:0", "--node", "node-" + i, "--checkin", "2s", "--grace", "1s"));
      }
      for (ChildProcess node : nodes) {
        await().atMost(Duration.ofSeconds(90)).until(() -> node.output().contains("cronloop started")
            || node.output().contains("Exception in"));
        assertThat(node.output()).contains("cronloop started");
      }

      for (int flip = 0; flip < 4; flip++) { // failing, ok, failing, ok: four transitions per job
        int events = (flip + 1) * JOBS;
        await().atMost(Duration.ofSeconds(60)).until(() -> count(pg, "SELECT COUNT(*) FROM notices") >= events);
        if (flip < 3) {
          receiver.answer("/t/", flip % 2 == 0 ? 200 : 500);
        }
      }
      await().atMost(Duration.ofSeconds(30))
          .until(() -> count(pg, "SELECT COUNT(*) FROM notices WHERE status = 'DELIVERED'") == 4L * JOBS);
      for (ChildProcess node : nodes) {
        node.signalTerm();
      }
      for (ChildProcess node : nodes) {
        assertThat(node.waitFor(Duration.ofSeconds(60))).as(node.output()).isZero();
      }

      Map<String, List<String>> events = new LinkedHashMap<>();
      Set<String> claimers;
      try (Connection c = pg.connect(); Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT job_id, event FROM notices ORDER BY created_at, run_id")) {
          while (rs.next()) {
            events.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
          }
        }
        claimers = new java.util.HashSet<>();
        try (ResultSet rs = s.executeQuery("SELECT DISTINCT claimed_by FROM notices")) {
          while (rs.next()) {
            claimers.add(rs.getString(1));
          }
        }
      }
      for (int j = 1; j <= JOBS; j++) {
        assertThat(events.get("flap-" + j)).as("flap-" + j)
            .containsExactly("failure", "recovery", "failure", "recovery");
      }
      List<Received> hooks = receiver.at("/hook");
      Map<String, Long> perKey = hooks.stream()
          .collect(Collectors.groupingBy(h -> h.headers().get("Idempotency-Key"), Collectors.counting()));
      assertThat(perKey).hasSize(4 * JOBS);
      assertThat(perKey.values()).allMatch(n -> n == 1);
      long nodesThatRan = count(pg, "SELECT COUNT(DISTINCT node) FROM runs WHERE job_id LIKE 'flap-%'");
      System.out.println("notify cluster: " + hooks.size() + " notices for " + 4 * JOBS + " transitions, runs on "
          + nodesThatRan + " nodes, notices claimed by " + claimers);
      assertThat(nodesThatRan).isGreaterThanOrEqualTo(2);
    } finally {
      for (ChildProcess node : nodes) {
        node.close();
      }
    }
  }

  private static long count(Postgres pg, String sql) {
    try (Connection c = pg.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : -1;
    } catch (Exception e) {
      return -2;
    }
  }
}
