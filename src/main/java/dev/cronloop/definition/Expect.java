package dev.cronloop.definition;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The checks a response must pass. Absent checks are null (or empty). {@link #toString()} leaves
 * out texts that may come from a {@code ${VAR}}.
 *
 * @param status accepted statuses
 * @param maxLatency the slowest acceptable response, or null
 * @param bodyContains text the body must contain, or null
 * @param bodyMatches a regex the body must match somewhere (find, not whole), or null
 * @param json checks on values of a JSON body, in file order
 * @param headers response header name (any case) to its check
 * @param certExpiresIn the server certificate must stay valid longer than this, or null
 */
public record Expect(
    StatusSet status,
    Duration maxLatency,
    String bodyContains,
    Regex bodyMatches,
    List<JsonCheck> json,
    Map<String, HeaderCheck> headers,
    Duration certExpiresIn) {

  /** The header checks of an Expect that has none: one map for all, not one per request. */
  private static final Map<String, HeaderCheck> NO_HEADERS =
      Collections.unmodifiableMap(new TreeMap<>(String.CASE_INSENSITIVE_ORDER));

  public static final Expect DEFAULT = new Expect(StatusSet.SUCCESS, null, null);

  public Expect {
    json = List.copyOf(json);
    if (headers.isEmpty()) {
      headers = NO_HEADERS;
    } else {
      TreeMap<String, HeaderCheck> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      h.putAll(headers);
      headers = Collections.unmodifiableMap(h);
    }
  }

  public Expect(StatusSet status, Duration maxLatency, String bodyContains) {
    this(status, maxLatency, bodyContains, null, List.of(), Map.of(), null);
  }

  /** True when a check reads the body, so that the fetcher must keep it. */
  public boolean readsBody() {
    return bodyContains != null || bodyMatches != null || !json.isEmpty();
  }

  @Override
  public String toString() {
    return "Expect[status="
        + status
        + ", maxLatency="
        + maxLatency
        + ", bodyContains="
        + (bodyContains == null ? "null" : "***")
        + (bodyMatches == null ? "" : ", bodyMatches=" + bodyMatches)
        + (json.isEmpty() ? "" : ", json=" + json.size() + " checks")
        + (headers.isEmpty() ? "" : ", headers=" + headers.keySet())
        + (certExpiresIn == null ? "" : ", certExpiresIn=" + certExpiresIn)
        + "]";
  }
}
