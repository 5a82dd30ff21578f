package dev.cronloop.definition;

/** What a fire does when the job's previous run is still going (DESIGN.md, job files). */
public enum Overlap {
  /** Start another run beside it. */
  ALLOW,
  /** Record a SKIPPED run and leave the running one alone. */
  SKIP,
  /** Cancel the running one and start the new one. */
  REPLACE,
  /** Keep at most one waiting run and start it when the running one ends. */
  QUEUE
}
