package dev.cronloop.model;

/**
 * The rule for whether a run counts for a job's health, and whether it failed: one place, used by
 * the per-job health metrics and the notices. A job's {@code failWhen} (a count or a share of its
 * requests) decides how many failed requests fail a run; by default one does.
 */
public final class RunHealth {
  private RunHealth() {}

  /** True when the run sent its requests: a SKIPPED fire is no run of the job. */
  public static boolean ran(RunResult run) {
    return run.status() != RunStatus.SKIPPED;
  }

  /**
   * True when the run says something about the job's health: it ran and ended on its own. A run
   * CANCELLED (by shutdown, or replaced by a newer run) neither failed nor succeeded.
   */
  public static boolean judged(RunResult run) {
    return ran(run) && run.status() != RunStatus.CANCELLED;
  }

  /** A judged run failed when any of its requests failed its checks. */
  public static boolean failed(RunResult run) {
    return failed(run, (total, failed) -> failed > 0);
  }

  /** A judged run failed when {@code rule} says so of its total and failed requests. */
  public static boolean failed(RunResult run, Threshold rule) {
    return judged(run) && rule.failed(run.total(), run.failed());
  }

  /** How many failed requests of a run's total fail it: a job's {@code failWhen}. */
  @FunctionalInterface
  public interface Threshold {
    boolean failed(int total, int failed);
  }
}
