package dev.cronloop.fetch;

import dev.cronloop.model.Fire;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where scheduled fires wait for their instant. Quartz hands them over ahead of it ({@code
 * TriggerLayer.HANDOFF_LEAD}); the gate keeps them on the engine context and lets every fire of
 * one instant through at once, on one timer, when the instant comes. A fire whose instant has
 * passed (a late or missed fire) goes through at once. A fire let through carries the moment it
 * went as its {@code firedAt}.
 *
 * <p>Confined to the engine context.
 */
public final class StartGate {
  private final LoopTimer timer;
  private final InstantSource clock;
  private final Consumer<List<Fire>> launch;
  private final Consumer<List<Fire>> held;
  private final Map<Instant, Waiting> waiting = new HashMap<>();

  /** A gate passing the fires of each instant to {@code launch}, in the order they came. */
  public StartGate(Vertx vertx, Consumer<List<Fire>> launch) {
    this(LoopTimer.of(vertx), InstantSource.system(), launch, fires -> {});
  }

  /** A gate that reads the time from {@code clock} and waits for an instant on {@code timer}. */
  public StartGate(LoopTimer timer, InstantSource clock, Consumer<List<Fire>> launch) {
    this(timer, clock, launch, fires -> {});
  }

  /**
   * A gate that also tells {@code held} of the fires it holds for a later instant, as they come
   * (the lanes prime their requests then).
   */
  public StartGate(LoopTimer timer, InstantSource clock, Consumer<List<Fire>> launch, Consumer<List<Fire>> held) {
    this.timer = timer;
    this.clock = clock;
    this.launch = launch;
    this.held = held;
  }

  /** Lets the fires that are due through now, and holds the others until their instant. */
  public void admit(List<Fire> fires) {
    Instant now = clock.instant();
    List<Fire> due = new ArrayList<>();
    List<Fire> later = new ArrayList<>();
    for (Fire f : fires) {
      if (f.scheduledAt() == null || !f.scheduledAt().isAfter(now)) {
        due.add(f.firedAt(now));
      } else {
        waiting.computeIfAbsent(f.scheduledAt(), this::arm).fires.add(f);
        later.add(f);
      }
    }
    if (!due.isEmpty()) {
      launch.accept(due);
    }
    if (!later.isEmpty()) {
      held.accept(later);
    }
  }

  /** Fires held for a later instant. */
  public int held() {
    int n = 0;
    for (Waiting w : waiting.values()) {
      n += w.fires.size();
    }
    return n;
  }

  /** Drops the fires still waiting, for an engine that is closing; returns how many. */
  public int close() {
    int dropped = held();
    waiting.values().forEach(w -> timer.cancel(w.timer));
    waiting.clear();
    return dropped;
  }

  private Waiting arm(Instant at) {
    // Rounded up: a timer never fires before its delay, so the fires never start before their instant.
    long delayMs = Math.max(1, (Duration.between(clock.instant(), at).toNanos() + 999_999) / 1_000_000);
    return new Waiting(timer.set(delayMs, () -> release(at)));
  }

  private void release(Instant at) {
    Waiting w = waiting.remove(at);
    if (w == null) {
      return;
    }
    Instant now = clock.instant();
    List<Fire> fires = new ArrayList<>(w.fires.size());
    w.fires.forEach(f -> fires.add(f.firedAt(now)));
    launch.accept(fires);
  }

  private static final class Waiting {
    final long timer;
    final List<Fire> fires = new ArrayList<>();

    Waiting(long timer) {
      this.timer = timer;
    }
  }
}
