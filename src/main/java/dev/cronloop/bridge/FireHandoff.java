package dev.cronloop.bridge;

import dev.cronloop.model.Fire;
import dev.cronloop.record.Fence;
import io.vertx.core.Context;
import java.time.Instant;
import java.util.List;
import org.quartz.Job;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;

/**
 * Quartz → engine: the one place a Quartz thread gives work to the engine's event loop. The whole
 * crossing, on a Quartz worker thread:
 *
 * <pre>{@code
 * if (!fence.valid()) return;                        // no lease: leave the instant to the repair
 * List<Fire> fires = layer.takeDue(shard, at, now);  // immutable; re-arms the shard trigger
 * Fence.Term term = fence.term();                    // the lease term the fires were taken in
 * loop.runOnContext(v -> sink.admit(term, fires));   // post to the engine context and return
 * }</pre>
 *
 * From there the fires go forward only, on the engine context: {@code fetch.Dispatch} (lease
 * guard, start gate, pause filter) → {@code RunLauncher} → {@code Run} → {@code Fetcher} →
 * {@code Recorder}. It never waits for a run and touches no loop-owned state.
 *
 * <p>A node whose lease does not hold takes nothing: the hand-off then leaves the shard's instant
 * untaken, and its trigger stalled, so that the periodic repair re-arms it for whichever node
 * holds its lease by then; taking the fires would only lose them (src/docs/cluster.md, "Fencing").
 */
final class FireHandoff implements Job {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FireHandoff.class);
  static final String SHARD = "shard";

  private final TriggerLayer layer;
  private final Context loop; // the engine context, captured by Engine.start()
  private final Fence fence;
  private final FireSink sink; // confined to loop

  FireHandoff(TriggerLayer layer, Context loop, Fence fence, FireSink sink) {
    this.layer = layer;
    this.loop = loop;
    this.fence = fence;
    this.sink = sink;
  }

  @Override
  public void execute(JobExecutionContext q) {
    if (!fence.valid()) {
      log.debug("lease not valid: shard trigger {} left for the repair to re-arm", q.getTrigger().getKey());
      return;
    }
    JobDataMap data = q.getMergedJobDataMap();
    int shard = Integer.parseInt(data.get(SHARD).toString());
    // The instant the trigger stands for; a misfired trigger's scheduled fire time is "now".
    Object at = data.get(TriggerLayer.AT);
    Instant scheduled = at == null ? q.getScheduledFireTime().toInstant() : Instant.parse(at.toString());
    List<Fire> fires = layer.takeDue(shard, scheduled, layer.clock().instant(), q.isRecovering());
    if (!fires.isEmpty()) {
      Fence.Term term = fence.term();
      loop.runOnContext(v -> sink.admit(term, fires)); // the crossing: Quartz worker → engine context
    }
  }
}
