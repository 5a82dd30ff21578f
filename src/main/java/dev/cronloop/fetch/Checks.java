package dev.cronloop.fetch;

import dev.cronloop.definition.Expect;
import dev.cronloop.record.Outcome;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Judges a response against a request's {@link Expect}. Pure: the body is read only when a check
 * needs it.
 */
final class Checks {
  private Checks() {}

  static Verdict judge(Expect expect, int status, Supplier<String> body, Duration latency) {
    if (!expect.status().contains(status)) {
      return new Verdict(Outcome.HTTP_ERROR, "status " + status + " not in " + expect.status());
    }
    if (expect.maxLatency() != null && latency.compareTo(expect.maxLatency()) > 0) {
      return new Verdict(
          Outcome.CHECK_FAILED,
          "latency " + latency.toMillis() + "ms over " + expect.maxLatency().toMillis() + "ms");
    }
    if (expect.bodyContains() != null && !body.get().contains(expect.bodyContains())) {
      return new Verdict(
          Outcome.CHECK_FAILED, "body does not contain \"" + expect.bodyContains() + "\"");
    }
    return Verdict.OK;
  }
}
