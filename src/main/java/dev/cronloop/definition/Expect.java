package dev.cronloop.definition;

import java.time.Duration;

/**
 * The checks a response must pass. Absent checks are null. {@link #toString()} leaves out the
 * text of {@code bodyContains}, which may come from a {@code ${VAR}}.
 *
 * @param status accepted statuses
 * @param maxLatency the slowest acceptable response, or null
 * @param bodyContains text the body must contain, or null
 */
public record Expect(StatusSet status, Duration maxLatency, String bodyContains) {

  public static final Expect DEFAULT = new Expect(StatusSet.SUCCESS, null, null);

  @Override
  public String toString() {
    return "Expect[status="
        + status
        + ", maxLatency="
        + maxLatency
        + ", bodyContains="
        + (bodyContains == null ? "null" : "***")
        + "]";
  }
}
