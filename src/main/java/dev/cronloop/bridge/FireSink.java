package dev.cronloop.bridge;

import dev.cronloop.model.Fire;
import dev.cronloop.record.Fence;
import java.util.List;

/**
 * Where {@link FireHandoff} delivers fires: called on the engine context, after the hand-off has
 * crossed to it. The engine's is {@code fetch.Dispatch#admit}.
 */
@FunctionalInterface
public interface FireSink {
  /** On the engine context: the fires of one hand-off, made while the lease term {@code handedIn} held. */
  void admit(Fence.Term handedIn, List<Fire> fires);
}
