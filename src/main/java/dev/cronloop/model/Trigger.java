package dev.cronloop.model;

/** What started a run, as stored in {@code runs.trigger}. */
public enum Trigger {
  SCHEDULE,
  MANUAL,
  MISFIRE
}
