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
 * returns. It never waits for a run and touches no loop-owned state. A node whose lease does not
 * hold takes nothing ({@link FireSink#accepting}).
 */
final class FireHandoff implements Job {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FireHandoff.class);
  static final String SHARD = "shard";

  private final TriggerLayer layer;
  private final FireSink sink;

  FireHandoff(TriggerLayer layer, FireSink sink) {
    this.layer = layer;
    this.sink = sink;
  }

  @Override
  public void execute(JobExecutionContext q) {
    if (!sink.accepting()) {
      log.debug("lease not valid: shard trigger {} left for the repair to re-arm", q.getTrigger().getKey());
      return;
    }
    JobDataMap data = q.getMergedJobDataMap();
    int shard = Integer.parseInt(data.get(SHARD).toString());
    // The instant the trigger stands for; a misfired trigger's scheduled fire time is "now".
    Object at = data.get(TriggerLayer.AT);
    Instant scheduled = at == null ? q.getScheduledFireTime().toInstant() : Instant.parse(at.toString());
    List<Fire> fires = layer.takeDue(shard, scheduled, Instant.now(), q.isRecovering());
    if (!fires.isEmpty()) {
      sink.post(fires);
    }
  }
}
