package dev.cronloop.bridge;

import dev.cronloop.model.Fire;
import java.util.List;

/**
 * Where the hand-off delivers fires: a thread-safe post onto the engine context, such as {@code
 * context.runOnContext(v -> launcher.launchAll(fires))}. It must return at once.
 */
@FunctionalInterface
public interface FireSink {
  void post(List<Fire> fires);
}
