package dev.cronloop.notify;

import dev.cronloop.model.JobHealth;
import java.time.Duration;
import java.time.Instant;

/**
 * How one counted run moves a job's health, and which notice that transition owes. Pure: time is
 * an argument, and no I/O happens here.
 *
 * <p>The rules (src/docs/notifications.md): a failed run adds one to the streak; the run that
 * makes the streak reach {@code after} turns the job {@code failing} and owes a {@code failure}
 * notice, whose {@code since} is the streak's first failed run. While failing, a failed run owes a
 * {@code repeat} notice when {@code repeat} has passed since the last failure or repeat notice was
 * due. A successful run ends the streak; when the job was failing it turns {@code ok} and owes a
 * {@code recovery} notice. A transition the job does not listen to ({@code on}) still moves the
 * state, so that a later notice stays true.
 */
final class HealthRules {

  /** What a job asks for: its {@code notify.after}, {@code repeat} and {@code on}. */
  record Policy(int after, Duration repeat, boolean onFailure, boolean onRecovery) {
    Policy {
      if (after < 1) {
        throw new IllegalArgumentException("after must be >= 1, got " + after);
      }
    }
  }

  /** The notices a transition can owe. */
  enum Event {
    FAILURE,
    RECOVERY,
    REPEAT;

    String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * The health after a run, and the notice owed (null for none).
   *
   * @param failingSince for a notice, when the job started failing
   */
  record Step(JobHealth next, Event event, Instant failingSince) {}

  private HealthRules() {}

  /** The health after run {@code runId}, which ended {@code at} and {@code failed} or not. */
  static Step next(JobHealth h, long runId, boolean failed, Instant at, Policy p) {
    if (!failed) {
      JobHealth ok = new JobHealth(h.jobId(), false, 0, h.failing() || h.since() == null ? at : h.since(), null,
          h.lastNoticeAt(), h.failing() && p.onRecovery() ? Event.RECOVERY.word() : h.lastEvent(), runId);
      return h.failing()
          ? new Step(ok, p.onRecovery() ? Event.RECOVERY : null, h.since())
          : new Step(ok, null, null);
    }
    int streak = h.consecutiveFailures() + 1;
    Instant streakSince = h.streakSince() == null ? at : h.streakSince();
    if (h.failing()) {
      boolean due = p.repeat() != null && p.onFailure() && h.lastNoticeAt() != null
          && !at.isBefore(h.lastNoticeAt().plus(p.repeat()));
      JobHealth still = new JobHealth(h.jobId(), true, streak, h.since(), streakSince,
          due ? at : h.lastNoticeAt(), due ? Event.REPEAT.word() : h.lastEvent(), runId);
      return new Step(still, due ? Event.REPEAT : null, h.since());
    }
    if (streak >= p.after()) {
      JobHealth failing = new JobHealth(h.jobId(), true, streak, streakSince, streakSince, at,
          p.onFailure() ? Event.FAILURE.word() : h.lastEvent(), runId);
      return new Step(failing, p.onFailure() ? Event.FAILURE : null, streakSince);
    }
    JobHealth counting = new JobHealth(h.jobId(), false, streak, h.since(), streakSince, h.lastNoticeAt(),
        h.lastEvent(), runId);
    return new Step(counting, null, null);
  }
}
