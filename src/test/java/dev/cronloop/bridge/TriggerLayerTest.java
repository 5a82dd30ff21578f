package dev.cronloop.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.definition.JobDefinition;
import dev.cronloop.definition.JobFolder;
import dev.cronloop.model.Fire;
import dev.cronloop.testkit.JobFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.Scheduler;
import org.quartz.Trigger;
import org.quartz.TriggerKey;
import org.quartz.listeners.SchedulerListenerSupport;

/**
 * The shard trigger rules that make a cluster fire each instant once, played by two trigger
 * layers ("nodes") over one job store that is never started: the test calls the hand-off itself,
 * with fixed instants.
 */
class TriggerLayerTest {
  private static final Instant T0 = Instant.parse("2026-01-05T10:00:00.400Z");
  private static final Instant T1 = Instant.parse("2026-01-05T10:00:01Z");

  @TempDir Path dir;
  private QuartzPlayer quartz;
  private Scheduler store;
  private final AtomicInteger writes = new AtomicInteger();

  @BeforeEach
  void setUp() throws Exception {
    quartz = new QuartzPlayer();
    store = quartz.quartz;
    store.getListenerManager().addSchedulerListener(new SchedulerListenerSupport() {
      @Override
      public void jobScheduled(Trigger trigger) {
        writes.incrementAndGet();
      }
    });
  }

  @AfterEach
  void tearDown() throws Exception {
    quartz.close();
  }

  @Test
  void a_second_node_with_the_same_jobs_leaves_the_stored_triggers_as_they_are() throws Exception {
    List<JobDefinition> jobs = jobs(6);
    TriggerLayer a = node();
    TriggerLayer b = node();

    a.sync(jobs, T0);
    int written = writes.get();
    b.sync(jobs, T0.plusMillis(300));
    a.sync(jobs, T0.plusMillis(500));

    assertThat(written).isPositive();
    assertThat(writes.get()).as("trigger writes after the first sync").isEqualTo(written);
    assertThat(storedAt(a, "tick-1")).isEqualTo(T1);
  }

  @Test
  void a_sync_whose_clock_reads_before_an_instant_another_node_handled_leaves_it_handled()
      throws Exception {
    List<JobDefinition> jobs = jobs(1);
    TriggerLayer a = node();
    TriggerLayer b = node();
    a.sync(jobs, T0);
    a.takeDue(a.shardOf("tick-1"), T1, T1.plusMillis(5));
    int written = writes.get();

    b.sync(jobs, T1.minusMillis(300));

    assertThat(writes.get()).as("trigger writes by the late sync").isEqualTo(written);
    assertThat(storedAt(a, "tick-1")).isEqualTo(T1.plusSeconds(1));
  }

  @Test
  void an_instant_fired_on_one_node_is_not_fired_again_by_another() throws Exception {
    List<JobDefinition> jobs = jobs(1);
    TriggerLayer a = node();
    TriggerLayer b = node();
    a.sync(jobs, T0);
    b.sync(jobs, T0);
    int shard = a.shardOf("tick-1");

    List<Fire> first = a.takeDue(shard, T1, T1.plusMillis(5));
    List<Fire> again = b.takeDue(shard, T1, T1.plusMillis(9), true);

    assertThat(first).extracting(Fire::scheduledAt).containsExactly(T1);
    assertThat(again).as("a recovery or duplicate of a handled instant").isEmpty();
    assertThat(storedAt(a, "tick-1")).isEqualTo(T1.plusSeconds(1));
  }

  @Test
  void a_node_whose_cache_is_behind_fires_only_the_instant_its_trigger_stands_for() throws Exception {
    List<JobDefinition> jobs = jobs(1);
    TriggerLayer a = node();
    TriggerLayer b = node();
    a.sync(jobs, T0);
    b.sync(jobs, T0);
    int shard = a.shardOf("tick-1");
    Instant t2 = T1.plusSeconds(1);
    Instant t3 = T1.plusSeconds(2);

    a.takeDue(shard, T1, T1.plusMillis(5));
    a.takeDue(shard, t2, t2.plusMillis(5));
    List<Fire> onB = b.takeDue(shard, t3, t3.plusMillis(5));

    assertThat(onB).extracting(Fire::scheduledAt).containsExactly(t3);
    assertThat(storedAt(a, "tick-1")).isEqualTo(t3.plusSeconds(1));
  }

  @Test
  void a_recovery_fire_of_a_shard_whose_trigger_is_gone_fires_and_rearms_it() throws Exception {
    List<JobDefinition> jobs = jobs(1);
    TriggerLayer a = node();
    a.sync(jobs, T0);
    int shard = a.shardOf("tick-1");
    store.unscheduleJob(TriggerKey.triggerKey("shard-" + shard, TriggerLayer.GROUP));

    List<Fire> ordinary = a.takeDue(shard, T1, T1.plusMillis(5), false);
    List<Fire> recovered = a.takeDue(shard, T1, T1.plusMillis(5), true);

    assertThat(ordinary).as("a shard unscheduled by a sync").isEmpty();
    assertThat(recovered).extracting(Fire::scheduledAt).containsExactly(T1);
    assertThat(storedAt(a, "tick-1")).isEqualTo(T1.plusSeconds(1));
  }

  @Test
  void a_sync_rearms_a_shard_whose_hand_off_failed_after_it_fired() throws Exception {
    List<JobDefinition> jobs = jobs(1);
    TriggerLayer a = node();
    a.sync(jobs, T0);
    TriggerKey key = TriggerKey.triggerKey("shard-" + a.shardOf("tick-1"), TriggerLayer.GROUP);
    Trigger fired = store.getTrigger(key);
    // What Quartz leaves when the hand-off throws: the trigger moved on to its yearly repeat.
    store.rescheduleJob(key, fired.getTriggerBuilder()
        .startAt(java.util.Date.from(T1.plus(Duration.ofDays(365)))).build());

    a.sync(jobs, T1.plusSeconds(20));

    Trigger repaired = store.getTrigger(key);
    assertThat(TriggerLayer.instantOf(repaired)).isEqualTo(T1);
    assertThat(repaired.getNextFireTime().toInstant()).as("fires at once, as a late fire")
        .isEqualTo(T1.minus(TriggerLayer.HANDOFF_LEAD));
  }

  private TriggerLayer node() {
    return new TriggerLayer(store, TriggerLayer.CLUSTER_SHARDS, Duration.ofSeconds(60), ShardLock.LOCAL, true);
  }

  private List<JobDefinition> jobs(int n) throws Exception {
    for (int i = 1; i <= n; i++) {
      JobFiles.write(dir, "tick-" + i + ".yaml", """
          schedule: "* * * * * ?"
          requests:
            - http://127.0.0.1:1/tick
          """);
    }
    return JobFolder.load(dir, name -> null).jobs();
  }

  private Instant storedAt(TriggerLayer layer, String job) throws Exception {
    Trigger t = store.getTrigger(TriggerKey.triggerKey("shard-" + layer.shardOf(job), TriggerLayer.GROUP));
    return TriggerLayer.instantOf(t);
  }
}
