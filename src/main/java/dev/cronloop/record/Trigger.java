package dev.cronloop.record;

/** What started a run, as stored in {@code runs.trigger}. */
public enum Trigger {
  SCHEDULE,
  MANUAL,
  MISFIRE
}
