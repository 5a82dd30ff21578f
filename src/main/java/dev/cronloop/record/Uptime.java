package dev.cronloop.record;

/**
 * A job's finished scheduled runs over 24 hours, 7 days and 30 days, and how many of them were OK:
 * what its uptime is computed from. Which runs count is written in {@code src/docs/http-api.md},
 * "Uptime".
 */
public record Uptime(int ok24h, int total24h, int ok7d, int total7d, int ok30d, int total30d) {
  /** No counted run in any window. */
  public static final Uptime NONE = new Uptime(0, 0, 0, 0, 0, 0);
}
