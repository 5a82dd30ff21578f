package dev.cronloop.bridge;

import dev.cronloop.record.Database;
import dev.cronloop.record.Fence;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.quartz.JobPersistenceException;
import org.quartz.impl.jdbcjobstore.JobStoreTX;
import org.quartz.impl.jdbcjobstore.SchedulerStateRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz's clustered JDBC job store with two cronloop duties added to its recovery of dead nodes.
 *
 * <ul>
 *   <li>When this node recovers a node that stopped checking in, it marks that node's RUNNING runs
 *       INTERRUPTED in the same transaction (DESIGN.md, "Cluster"). Quartz has by then freed the
 *       dead node's acquired triggers, which fire late on the survivors under the misfire policy.
 *   <li>A node counts as dead {@code failoverGrace} after its check-in was due, not after Quartz's
 *       fixed 7.5 s, so the takeover time follows the check-in interval. The grace still covers a
 *       GC pause or a slow check-in; clocks must agree to well within it (see src/docs/cluster.md).
 *   <li>A node that shuts down gracefully hands its acquired triggers back and leaves the cluster
 *       at once, so the others fire them on time rather than after a failover.
 *   <li>Each successful check-in keeps the node's {@link Fence} open for {@link #fenceFor} from
 *       the moment it started, which ends before any other node may count it dead: a node that
 *       cannot check in (a long pause, a partition) stops launching fires before the others take
 *       its triggers over (src/docs/cluster.md, "Fencing"). A check-in that fails for any reason,
 *       even an {@link Error}, is logged and the check-in loop goes on.
 * </ul>
 *
 * <p>Runs on: Quartz's cluster manager thread.
 */
// JobStoreTX overrides the generic executeInLock with a raw one, which javac reports on every subclass.
@SuppressWarnings("unchecked")
public class ClusterJobStore extends JobStoreTX {
  /**
   * Our own messages. Quartz logs through a logger named after this class, which cli.ConsoleLog keeps
   * at WARN: its INFO lines (each misfire scan, each recovery step) are noise in a busy cluster.
   */
  private static final Logger log = LoggerFactory.getLogger("dev.cronloop.bridge.Cluster");

  /** Fences by data source name: Quartz builds the store by class name, the engine registers first. */
  private static final Map<String, Fence> FENCES = new ConcurrentHashMap<>();
  /** The engine's clock by data source name, for the end of the runs a recovery interrupts. */
  private static final Map<String, InstantSource> CLOCKS = new ConcurrentHashMap<>();
  /** How far node clocks may disagree before the fence stops being a safe bound (cluster.md, "Clocks"). */
  static final Duration FENCE_MARGIN = Duration.ofMillis(500);

  private long failoverGraceMs = 7_500;
  private volatile boolean checkinFailing;

  /** Set by Quartz from {@code org.quartz.jobStore.failoverGrace} (milliseconds). */
  public void setFailoverGrace(long millis) {
    this.failoverGraceMs = millis;
  }

  /**
   * Registers the fence that the store of data source {@code dataSource} keeps open while its
   * check-ins succeed, and the engine's clock it stamps interrupted runs with; call before the
   * scheduler is built.
   */
  public static void register(String dataSource, Fence fence, InstantSource clock) {
    FENCES.put(dataSource, fence);
    CLOCKS.put(dataSource, clock);
  }

  /**
   * How long a check-in keeps the fence open, from the moment it started: the interval plus the
   * failover grace, less {@link #FENCE_MARGIN}. Another node counts this one dead only after
   * {@code checkin timestamp + interval + grace} on its own clock (see {@link #calcFailedIfAfter}),
   * and the timestamp this node writes is taken after the check-in started; so, with clocks that
   * agree within the margin, the fence closes before anyone may take this node's triggers over.
   */
  public static Duration fenceFor(Duration checkin) {
    return checkin.plus(graceFor(checkin)).minus(FENCE_MARGIN);
  }

  @Override
  protected boolean doCheckin() throws JobPersistenceException {
    Fence fence = FENCES.get(getDataSource());
    long started = fence == null ? 0 : fence.now();
    try {
      boolean recovered = super.doCheckin();
      if (fence != null) {
        fence.renewed(started, fenceFor(Duration.ofMillis(getClusterCheckinInterval())));
      }
      if (checkinFailing) {
        checkinFailing = false;
        log.info("node {} checked in again", getInstanceId());
      }
      return recovered;
    } catch (JobPersistenceException e) {
      checkinFailed(fence, e);
      throw e;
    } catch (Throwable e) { // Quartz's check-in loop catches only Exception: an Error would end it
      checkinFailed(fence, e);
      throw new JobPersistenceException("check-in failed: " + e, e);
    }
  }

  private void checkinFailed(Fence fence, Throwable e) {
    if (fence != null) {
      fence.failed(e.toString());
    }
    if (!checkinFailing) {
      checkinFailing = true;
      log.warn("node {} cannot check in ({}); it launches no fire once its check-in is {} ms old, and"
              + " retries every {} ms", getInstanceId(), e, fenceFor(Duration.ofMillis(getClusterCheckinInterval())).toMillis(),
          getDbRetryInterval());
    }
  }

  @Override
  protected long calcFailedIfAfter(SchedulerStateRecord rec) {
    // Wall clock, not the engine's: Quartz stamps check-ins (and lastCheckin) with
    // System.currentTimeMillis, and these instants are compared with those stamps.
    long sinceOwnCheckin = System.currentTimeMillis() - lastCheckin;
    return rec.getCheckinTimestamp() + Math.max(rec.getCheckinInterval(), sinceOwnCheckin) + failoverGraceMs;
  }

  @Override
  protected void clusterRecover(Connection conn, List<SchedulerStateRecord> failedInstances)
      throws JobPersistenceException {
    super.clusterRecover(conn, failedInstances);
    for (SchedulerStateRecord rec : failedInstances) {
      String node = rec.getSchedulerInstanceId();
      try {
        int interrupted = Database.interruptRunsOf(conn, node,
            CLOCKS.getOrDefault(getDataSource(), InstantSource.system()).instant());
        if (node.equals(getInstanceId())) {
          log.info("node {} restarted: recovered the triggers of its previous process", node);
        } else {
          // Quartz's check-in stamp is wall-clock millis: measured on the same clock.
          long silentMs = rec.getCheckinTimestamp() == 0 ? -1 : System.currentTimeMillis() - rec.getCheckinTimestamp();
          log.warn("node {} stopped checking in {} ms ago; took over its triggers and marked {} of its runs INTERRUPTED",
              node, silentMs, interrupted);
        }
      } catch (SQLException e) {
        throw new JobPersistenceException("cannot mark the runs of node " + node + " INTERRUPTED", e);
      }
    }
  }

  /**
   * Called by Quartz after its scheduler thread stopped and its workers finished: frees the
   * triggers this node had acquired but not fired, and removes its check-in row.
   */
  @Override
  public void shutdown() {
    if (isClustered()) {
      try {
        executeInNonManagedTXLock(LOCK_TRIGGER_ACCESS, this::handOver, null);
      } catch (JobPersistenceException e) {
        log.warn("could not hand this node's triggers back at shutdown; others take them over after the check-in interval: {}",
            e.getMessage());
      }
    }
    super.shutdown();
    FENCES.remove(getDataSource());
    CLOCKS.remove(getDataSource());
  }

  private Void handOver(Connection conn) throws JobPersistenceException {
    SchedulerStateRecord self = new SchedulerStateRecord();
    self.setSchedulerInstanceId(getInstanceId());
    super.clusterRecover(conn, List.of(self));
    try {
      getDelegate().deleteSchedulerState(conn, getInstanceId());
    } catch (SQLException e) {
      throw new JobPersistenceException("cannot remove the check-in of node " + getInstanceId(), e);
    }
    return null;
  }

  /**
   * The grace for a check-in interval: half of it, at least 2 s and at most Quartz's 7.5 s. Below
   * 2 s a busy machine (three nodes and PostgreSQL on two cores) delayed check-ins enough for a
   * live node to be taken for dead, which interrupts its runs and recovers its triggers.
   */
  public static Duration graceFor(Duration checkin) {
    long half = checkin.toMillis() / 2;
    return Duration.ofMillis(Math.max(2_000, Math.min(7_500, half)));
  }
}
