package dev.cronloop.fetch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cronloop.definition.Expect;
import dev.cronloop.definition.HeaderCheck;
import dev.cronloop.definition.JsonCheck;
import dev.cronloop.model.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Judges a response against a request's {@link Expect}. Pure: the body is read only when a check
 * needs it, and time is an argument.
 *
 * <p>A status outside the accepted set is HTTP_ERROR with that reason alone (the other checks of
 * an error page say nothing useful). Otherwise every failed check adds a short reason, joined
 * with "; ", and the outcome is CHECK_FAILED.
 */
final class Checks {
  /**
   * Made on the first JSON check: starting Jackson's data binding loads some 300 classes, which a
   * run without JSON checks (a one-off fire of one URL) has no use for.
   */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }
  private static final int SHOWN = 60;

  private Checks() {}

  /**
   * What a check can see of a response.
   *
   * @param header a response header by name (any case), or null when absent
   * @param certNotAfter the end of the server certificate's validity, or null without TLS
   */
  record Response(
      int status,
      Function<String, String> header,
      Supplier<String> body,
      Duration latency,
      Instant certNotAfter) {}

  static Verdict judge(Expect expect, int status, Supplier<String> body, Duration latency) {
    return judge(expect, new Response(status, h -> null, body, latency, null), Instant.now());
  }

  static Verdict judge(Expect expect, Response r, Instant now) {
    if (!expect.status().contains(r.status())) {
      return new Verdict(Outcome.HTTP_ERROR, "status " + r.status() + " not in " + expect.status());
    }
    List<String> failed = new ArrayList<>();
    if (expect.maxLatency() != null && r.latency().compareTo(expect.maxLatency()) > 0) {
      failed.add(
          "latency " + r.latency().toMillis() + "ms over " + expect.maxLatency().toMillis() + "ms");
    }
    if (expect.bodyContains() != null && !r.body().get().contains(expect.bodyContains())) {
      // The expected text is not repeated: it may hold a ${VAR} value, and secrets never reach a row.
      failed.add("body does not contain the bodyContains text");
    }
    if (expect.bodyMatches() != null
        && !expect.bodyMatches().pattern().matcher(r.body().get()).find()) {
      failed.add("body does not match " + expect.bodyMatches());
    }
    for (Map.Entry<String, HeaderCheck> h : expect.headers().entrySet()) {
      String why = header(h.getKey(), h.getValue(), r.header().apply(h.getKey()));
      if (why != null) {
        failed.add(why);
      }
    }
    if (!expect.json().isEmpty()) {
      json(expect.json(), r.body().get(), failed);
    }
    if (expect.certExpiresIn() != null) {
      String why = cert(expect.certExpiresIn(), r.certNotAfter(), now);
      if (why != null) {
        failed.add(why);
      }
    }
    return failed.isEmpty()
        ? Verdict.OK
        : new Verdict(Outcome.CHECK_FAILED, String.join("; ", failed));
  }

  private static String header(String name, HeaderCheck check, String actual) {
    if (actual == null) {
      return "header " + name + " missing";
    }
    if (check.regex() != null) {
      return check.regex().pattern().matcher(actual).find()
          ? null
          : "header " + name + ": \"" + shorten(actual) + "\" does not match " + check.regex();
    }
    return check.value().equals(actual)
        ? null
        : "header " + name + ": expected \"" + check.value() + "\", got \"" + shorten(actual) + "\"";
  }

  private static void json(List<JsonCheck> checks, String body, List<String> failed) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      failed.add("body is not JSON (" + shorten(e.getOriginalMessage()) + ")");
      return;
    }
    if (root == null) {
      failed.add("body is not JSON (empty)");
      return;
    }
    for (JsonCheck c : checks) {
      JsonNode actual = root.at(c.pointer());
      boolean present = !actual.isMissingNode();
      String why =
          switch (c.kind()) {
            case EXISTS -> present ? null : c.path() + ": expected to exist, got nothing";
            case ABSENT ->
                present ? c.path() + ": expected absent, got " + shorten(actual.toString()) : null;
            case EQUALS -> equals(c, actual);
          };
      if (why != null) {
        failed.add(why);
      }
    }
  }

  private static String equals(JsonCheck c, JsonNode actual) {
    JsonNode expected;
    try {
      expected = Json.MAPPER.readTree(c.expected());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the parser writes valid JSON, got " + c.expected(), e);
    }
    if (actual.isMissingNode()) {
      return c.path() + ": expected " + c.expected() + ", got nothing";
    }
    boolean same =
        actual.equals(expected)
            || (actual.isNumber()
                && expected.isNumber()
                && actual.decimalValue().compareTo(expected.decimalValue()) == 0)
            || (c.loose() && actual.isValueNode() && actual.asText().equals(expected.asText()));
    return same ? null : c.path() + ": expected " + c.expected() + ", got " + shorten(actual.toString());
  }

  private static String cert(Duration wanted, Instant notAfter, Instant now) {
    if (notAfter == null) {
      return "certExpiresIn: no TLS certificate (not an https response)";
    }
    Duration left = Duration.between(now, notAfter);
    if (left.compareTo(wanted) > 0) {
      return null;
    }
    if (left.isNegative()) {
      return "certificate expired " + left.negated().toDays() + "d ago";
    }
    return "certificate expires in " + left.toDays() + "d, less than " + days(wanted);
  }

  private static String days(Duration d) {
    return d.toHours() % 24 == 0 ? d.toDays() + "d" : d.toHours() + "h";
  }

  private static String shorten(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= SHOWN ? s : s.substring(0, SHOWN) + "...";
  }
}
