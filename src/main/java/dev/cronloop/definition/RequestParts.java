package dev.cronloop.definition;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The request settings written at one level (job or request); null or empty for absent. A
 * request's settings win over the job's; headers and query parameters merge by name.
 */
record RequestParts(
    String method,
    Map<String, Secret> headers,
    Body body,
    List<QueryParam> query,
    Auth auth,
    Duration timeout,
    Duration connectTimeout,
    Boolean followRedirects,
    Integer maxRedirects,
    Tls tls,
    Long maxBody,
    Protocol protocol,
    ExpectParts expect) {
  static final RequestParts NONE =
      new RequestParts(
          null, Map.of(), null, List.of(), null, null, null, null, null, null, null, null,
          ExpectParts.NONE);

  RequestParts over(RequestParts d) {
    Map<String, Secret> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.putAll(d.headers);
    for (Map.Entry<String, Secret> e : headers.entrySet()) {
      h.remove(e.getKey()); // the request's spelling of the name wins too
      h.put(e.getKey(), e.getValue());
    }
    Map<String, QueryParam> q = new LinkedHashMap<>();
    d.query.forEach(p -> q.put(p.name(), p));
    query.forEach(p -> q.put(p.name(), p));
    return new RequestParts(
        method != null ? method : d.method,
        h,
        body != null ? body : d.body,
        List.copyOf(q.values()),
        auth != null ? auth : d.auth,
        timeout != null ? timeout : d.timeout,
        connectTimeout != null ? connectTimeout : d.connectTimeout,
        followRedirects != null ? followRedirects : d.followRedirects,
        maxRedirects != null ? maxRedirects : d.maxRedirects,
        tls != null ? tls : d.tls,
        maxBody != null ? maxBody : d.maxBody,
        protocol != null ? protocol : d.protocol,
        expect.over(d.expect));
  }

  /** A request body: text as written, or a mapping or list sent as JSON. */
  record Body(Secret text, boolean json) {}

  /** One query parameter: its value after substitution and as written. */
  record QueryParam(String name, Secret value, String asWritten) {}
}
