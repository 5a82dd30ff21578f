package dev.cronloop.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.definition.JobDefinition;
import dev.cronloop.definition.JobFileParser;
import dev.cronloop.model.Fire;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;

/**
 * A real Quartz scheduler (RAM store, never started) whose part a test plays by hand: each step
 * takes the shard trigger that fires first and hands its instant and fire time to {@link
 * TriggerLayer#takeDue}, so time crosses days, DST transitions and outages without waiting.
 */
final class QuartzPlayer implements AutoCloseable {
  /** One step: the shard Quartz fired, the instant its trigger stands for, when Quartz fired it, and the fires handed over. */
  record Step(int shard, Instant at, Instant quartzTime, List<Fire> fires) {}

  final Scheduler quartz;

  QuartzPlayer() throws SchedulerException {
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", "test-" + UUID.randomUUID());
    p.setProperty("org.quartz.threadPool.threadCount", "1");
    p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    quartz = new StdSchedulerFactory(p).getScheduler();
  }

  /**
   * Plays {@code layer}'s {@code shards} triggers in order until nothing is armed, the next instant
   * is not before {@code until}, or {@code maxFires} fires have been handed over.
   */
  List<Step> play(TriggerLayer layer, int shards, Instant until, int maxFires) throws SchedulerException {
    List<Step> steps = new ArrayList<>();
    int fires = 0;
    for (int guard = 0; guard < 10_000; guard++) {
      int shard = -1;
      Date earliest = null;
      for (int s = 0; s < shards; s++) {
        org.quartz.Trigger t = quartz.getTrigger(key(s));
        if (t != null && (earliest == null || t.getNextFireTime().before(earliest))) {
          earliest = t.getNextFireTime();
          shard = s;
        }
      }
      if (earliest == null || fires >= maxFires) {
        return steps;
      }
      Instant at = TriggerLayer.instantOf(quartz.getTrigger(key(shard)));
      if (!at.isBefore(until)) {
        return steps;
      }
      Step step = new Step(shard, at, earliest.toInstant(), layer.takeDue(shard, at, earliest.toInstant()));
      steps.add(step);
      fires += step.fires().size();
    }
    throw new AssertionError("more than 10000 steps");
  }

  /** The key of shard {@code shard}'s trigger. */
  static TriggerKey key(int shard) {
    return TriggerKey.triggerKey("shard-" + shard, TriggerLayer.GROUP);
  }

  /** A job parsed from YAML, as the folder reader makes it; {@code extra} lines are added as they are. */
  static JobDefinition job(String id, String schedule, String zone, String... extra) {
    String yaml = "name: " + id + "\nschedule: \"" + schedule + "\"\nzone: " + zone + "\n"
        + String.join("", List.of(extra).stream().map(l -> l + "\n").toList())
        + "requests:\n  - http://127.0.0.1:1/" + id + "\n";
    JobFileParser.Result r = JobFileParser.withEnv(Map.of()).parse(Path.of(id + ".yaml"), yaml);
    assertThat(r.problems()).as(yaml).isEmpty();
    return r.jobs().get(0);
  }

  @Override
  public void close() throws SchedulerException {
    quartz.shutdown();
  }
}
