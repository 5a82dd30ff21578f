package dev.cronloop.bridge;

import dev.cronloop.model.Fire;
import java.time.Instant;
import java.util.List;
import org.quartz.Job;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;

/**
 * Quartz → engine. Runs on a Quartz worker thread: asks the trigger layer which jobs are due at
 * the instant the trigger stood for, posts them to the engine context in one hand-off, and
 * returns. It never waits for a run and touches no loop-owned state.
 */
final class FireHandoff implements Job {
  static final String SHARD = "shard";

  private final TriggerLayer layer;
  private final FireSink sink;

  FireHandoff(TriggerLayer layer, FireSink sink) {
    this.layer = layer;
    this.sink = sink;
  }

  @Override
  public void execute(JobExecutionContext q) {
    JobDataMap data = q.getMergedJobDataMap();
    int shard = Integer.parseInt(data.get(SHARD).toString());
    // The instant the trigger stands for; a misfired trigger's scheduled fire time is "now".
    Object at = data.get(TriggerLayer.AT);
    Instant scheduled = at == null ? q.getScheduledFireTime().toInstant() : Instant.parse(at.toString());
    List<Fire> fires = layer.takeDue(shard, scheduled, layer.clock().instant(), q.isRecovering());
    if (!fires.isEmpty()) {
      sink.post(fires);
    }
  }
}
