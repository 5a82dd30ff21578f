package dev.cronloop.fetch;

import dev.cronloop.model.Fire;
import dev.cronloop.record.Fence;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fence at the start gate: scheduled fires go in only while this node's lease holds, and
 * launch only while it still holds in the same term. A fire handed over before a lapse never
 * launches after it, even once the lease is back: the other nodes may have taken over meanwhile.
 *
 * <p>A refused fire is neither run nor recorded. In a cluster its instant was handed to this node
 * alone, so no other node runs it either (at most once, as in the crash window of
 * src/docs/cluster.md); on one node, a process that took the lease over applies its misfire
 * policy to it. Refusals are logged once per lapse, with a count when the lease is back.
 *
 * <p>Confined to the engine context.
 */
public final class LeaseGuard {
  private static final Logger log = LoggerFactory.getLogger(LeaseGuard.class);

  private final Fence fence;
  private final StartGate gate;
  private int admittedTerm = -1;
  private int loggedTerm = -1;
  private long refused;

  /** A guard in front of {@code gate}, whose fires {@link #launchable} then checks again. */
  public LeaseGuard(Fence fence, StartGate gate) {
    this.fence = fence;
    this.gate = gate;
  }

  /**
   * Lets fires handed over in term {@code handedIn} into the gate when that term still holds. The
   * first hand-off of a new term drops what the gate still holds from an earlier one.
   */
  public void admit(Fence.Term handedIn, List<Fire> fires) {
    if (!fence.holds(handedIn)) {
      refuse(fires.size(), fires);
      return;
    }
    if (handedIn.number() != admittedTerm) {
      int stale = gate.close();
      if (stale > 0) {
        refused += stale;
        log.warn("{} scheduled fires handed over before the lease lapsed are dropped, not launched", stale);
      }
      admittedTerm = handedIn.number();
    }
    gate.admit(fires);
  }

  /** The fires the gate lets through that may launch now: all of them, or none. */
  public List<Fire> launchable(List<Fire> fires) {
    if (!fence.holds(admittedTerm)) {
      refuse(fires.size(), fires);
      return List.of();
    }
    if (refused > 0) {
      log.info("lease valid again: launching scheduled fires; {} were not launched while it was not", refused);
      refused = 0;
    }
    return fires;
  }

  private void refuse(int n, List<Fire> fires) {
    refused += n;
    Fence.Term t = fence.term();
    String at = fires.isEmpty() || fires.get(0).scheduledAt() == null ? "" : " due at " + fires.get(0).scheduledAt();
    if (t.number() != loggedTerm) {
      loggedTerm = t.number();
      log.warn("this node's lease is not valid (last renewed {} ms ago{}): {} scheduled fires{} not launched;"
              + " no scheduled fire launches until the lease is renewed", fence.sinceRenewal(t).toMillis(),
          t.why() == null ? "" : ": " + t.why(), n, at);
    } else {
      log.debug("lease not valid: {} scheduled fires{} not launched", n, at);
    }
  }
}
