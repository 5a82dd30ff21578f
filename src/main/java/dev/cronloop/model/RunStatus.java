package dev.cronloop.model;

/** The status of a run, as stored in {@code runs.status}. */
public enum RunStatus {
  RUNNING,
  OK,
  FAILED,
  PARTIAL,
  SKIPPED,
  CANCELLED,
  INTERRUPTED;

  /** The final status of a run that made {@code ok} good and {@code failed} bad requests. */
  public static RunStatus of(int ok, int failed) {
    if (failed == 0) {
      return OK;
    }
    return ok == 0 ? FAILED : PARTIAL;
  }
}
