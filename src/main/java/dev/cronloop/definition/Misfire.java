package dev.cronloop.definition;

/** What happens to fires missed while the engine was down or far behind. */
public enum Misfire {
  /** One catch-up run with trigger MISFIRE, however many fires were missed. */
  FIRE_ONCE,
  /** A SKIPPED run per missed fire, so every non-run is visible. */
  SKIP
}
