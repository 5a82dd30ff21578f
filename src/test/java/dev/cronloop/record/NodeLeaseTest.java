package dev.cronloop.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease on a real H2 file: one holder at a time, a live holder refused with its name, an
 * abandoned lease taken over after three periods (or at once when its process is gone from this
 * host), a graceful release taken at once, and a lease taken over behind a holder's back closing
 * that holder's fence.
 */
@Timeout(60)
class NodeLeaseTest {
  private static final Duration EVERY = Duration.ofMillis(200);
  private static final String FIX = "stop it first";

  @TempDir Path dir;
  private Database db;

  @BeforeEach
  void open() {
    db = Database.open("jdbc:h2:file:" + dir.resolve("db/cronloop"), 4);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void a_second_process_is_refused_with_the_holder_s_node_pid_host_and_start() throws Exception {
    LeaseHolder other = new LeaseHolder("node-a", 4242, "elsewhere", null, Instant.parse("2026-01-05T10:00:00Z"));
    try (NodeLease held = take(other, new Fence(System::nanoTime))) {

      assertThatThrownBy(() -> take(LeaseHolder.current("node-b"), new Fence(System::nanoTime)))
          .isInstanceOf(NodeLease.Held.class)
          .hasMessageContaining("the test database is in use by node node-a (pid 4242 on host elsewhere,"
              + " running since 2026-01-05T10:00:00Z)")
          .hasMessageEndingWith(FIX)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
      assertThat(holders()).isEqualTo(1);
    }
  }

  @Test
  void a_live_holder_on_this_host_is_refused_at_once() throws Exception {
    try (NodeLease held = take(LeaseHolder.current("node-a"), new Fence(System::nanoTime))) {
      long t0 = System.nanoTime();

      assertThatThrownBy(() -> take(LeaseHolder.current("node-b"), new Fence(System::nanoTime)))
          .isInstanceOf(NodeLease.Held.class).hasMessageContaining("lease renewed");

      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(EVERY);
    }
  }

  @Test
  void a_lease_nobody_renews_is_taken_over_once_it_expires() throws Exception {
    LeaseHolder other = new LeaseHolder("node-a", 4242, "elsewhere", null, Instant.now());
    NodeLease abandoned = take(other, new Fence(System::nanoTime));
    abandoned.abandon(); // as kill -9 leaves it
    long t0 = System.nanoTime();

    Fence fence = new Fence(System::nanoTime);
    try (NodeLease taken = take(LeaseHolder.current("node-b"), fence)) {
      Duration waited = Duration.ofNanos(System.nanoTime() - t0);

      assertThat(fence.holds(fence.term())).isTrue();
      assertThat(waited).isLessThanOrEqualTo(NodeLease.takeoverBound(EVERY).plusMillis(200));
      assertThat(holderNode()).isEqualTo("node-b");
    }
  }

  @Test
  void a_lease_left_by_a_process_of_this_host_that_no_longer_runs_is_taken_over_at_once() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    LeaseHolder me = LeaseHolder.current("node-a");
    LeaseHolder dead = new LeaseHolder("node-a", gone.pid(), me.host(), me.pidNamespace(), Instant.now());
    take(dead, new Fence(System::nanoTime)).abandon();
    long t0 = System.nanoTime();

    try (NodeLease taken = take(me, new Fence(System::nanoTime))) {

      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(EVERY);
      assertThat(holderPid()).isEqualTo(ProcessHandle.current().pid());
    }
  }

  @Test
  void a_lease_given_back_on_close_is_taken_at_once() throws Exception {
    LeaseHolder other = new LeaseHolder("node-a", 4242, "elsewhere", null, Instant.now());
    take(other, new Fence(System::nanoTime)).close();
    long t0 = System.nanoTime();

    try (NodeLease taken = take(LeaseHolder.current("node-b"), new Fence(System::nanoTime))) {

      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(EVERY);
      assertThat(holders()).isEqualTo(1);
    }
  }

  @Test
  void a_holder_whose_lease_was_taken_over_closes_its_fence_for_good() throws Exception {
    Fence fence = new Fence(System::nanoTime);
    try (NodeLease lease = take(LeaseHolder.current("node-a"), fence)) {
      assertThat(fence.holds(fence.term())).isTrue();

      try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE node_leases SET token = 'someone-else', epoch = epoch + 1");
      }
      lease.renew();

      assertThat(fence.term().lost()).isTrue();
      assertThat(fence.holds(fence.term())).isFalse();
    }
  }

  private NodeLease take(LeaseHolder who, Fence fence) throws Exception {
    return NodeLease.take(db.dataSource(), NodeLease.SINGLE, who, EVERY, fence, true, "the test database", FIX);
  }

  private long holders() throws Exception {
    return query("SELECT COUNT(*) FROM node_leases") instanceof Number n ? n.longValue() : -1;
  }

  private String holderNode() throws Exception {
    return (String) query("SELECT node FROM node_leases");
  }

  private long holderPid() throws Exception {
    return ((Number) query("SELECT pid FROM node_leases")).longValue();
  }

  private Object query(String sql) throws Exception {
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getObject(1);
    }
  }
}
