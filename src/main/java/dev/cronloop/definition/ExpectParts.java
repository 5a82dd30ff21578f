package dev.cronloop.definition;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parts of an {@code expect} block that were written; null (or empty) for absent. A
 * request's checks win over the job's check by check; json paths and header names merge.
 */
record ExpectParts(
    StatusSet status,
    Duration maxLatency,
    String bodyContains,
    Regex bodyMatches,
    Map<String, JsonCheck> json,
    Map<String, HeaderCheck> headers,
    Duration certExpiresIn) {
  static final ExpectParts NONE =
      new ExpectParts(null, null, null, null, Map.of(), Map.of(), null);

  ExpectParts over(ExpectParts defaults) {
    Map<String, JsonCheck> j = new LinkedHashMap<>(defaults.json);
    j.putAll(json);
    Map<String, HeaderCheck> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.putAll(defaults.headers);
    h.putAll(headers);
    return new ExpectParts(
        status != null ? status : defaults.status,
        maxLatency != null ? maxLatency : defaults.maxLatency,
        bodyContains != null ? bodyContains : defaults.bodyContains,
        bodyMatches != null ? bodyMatches : defaults.bodyMatches,
        j,
        h,
        certExpiresIn != null ? certExpiresIn : defaults.certExpiresIn);
  }

  Expect toExpect() {
    return new Expect(
        status != null ? status : StatusSet.SUCCESS,
        maxLatency,
        bodyContains,
        bodyMatches,
        List.copyOf(json.values()),
        headers,
        certExpiresIn);
  }
}
