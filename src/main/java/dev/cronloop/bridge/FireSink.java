package dev.cronloop.bridge;

import dev.cronloop.model.Fire;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Where the hand-off delivers fires: a thread-safe post onto the engine context, such as {@code
 * context.runOnContext(v -> launcher.launchAll(fires))}. It must return at once.
 */
@FunctionalInterface
public interface FireSink {
  void post(List<Fire> fires);

  /**
   * False while the node may not take fires: its lease does not hold (src/docs/cluster.md,
   * "Fencing"). The hand-off then leaves the shard's instant untaken, and its trigger stalled,
   * so that the periodic repair re-arms it for whichever node holds its lease by then; taking the
   * fires would only lose them.
   */
  default boolean accepting() {
    return true;
  }

  /** {@code sink}, accepting fires only while {@code open} says so. */
  static FireSink whileOpen(FireSink sink, BooleanSupplier open) {
    return new FireSink() {
      @Override
      public void post(List<Fire> fires) {
        sink.post(fires);
      }

      @Override
      public boolean accepting() {
        return open.getAsBoolean();
      }
    };
  }
}
