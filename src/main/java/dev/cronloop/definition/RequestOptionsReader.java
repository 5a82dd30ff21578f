package dev.cronloop.definition;


import dev.cronloop.definition.NodeReader.Value;
import dev.cronloop.definition.SourceTree.Field;
import dev.cronloop.definition.SourceTree.ListNode;
import dev.cronloop.definition.SourceTree.MapNode;
import dev.cronloop.definition.SourceTree.Scalar;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads the request options written at one level, a job or one of its requests, and makes the
 * {@link RequestSpec} of a URL from them. {@link #OPTIONS} is the table of options: each one's key,
 * default, how it is read and how a request's value meets the job's; {@code auth}/{@code tls} and
 * {@code expect} are read by their own readers. Adding an option takes a row here, a line in {@link
 * #spec}, a field of {@link RequestSpec} and a row in src/docs/requests.md.
 *
 * <p>Runs on: the thread that parses the file. Used for one document, then dropped.
 */
final class RequestOptionsReader {
  /** Total time allowed for one request, when neither the request nor the job says. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  static final String DEFAULT_METHOD = "GET";

  /** The HTTP methods a request may use. */
  static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  static final Option<RequestOptionsReader, String> METHOD =
      Option.replaced("method", DEFAULT_METHOD, "GET", (r, f, where) -> r.readMethod(f));
  static final Option<RequestOptionsReader, Map<String, Secret>> HEADERS =
      Option.merged("headers", Map.of(), RequestOptionsReader::readHeaders, RequestOptionsReader::headersOver);
  static final Option<RequestOptionsReader, Body> BODY =
      Option.replaced("body", null, null, (r, f, where) -> r.readBody(f));
  static final Option<RequestOptionsReader, Written> EXPECT =
      Option.merged(
          "expect", Written.NONE, (r, f, where) -> r.expect.read(f, "in expect of " + where.substring(3)),
          Written::over);
  static final Option<RequestOptionsReader, Duration> TIMEOUT =
      Option.replaced("timeout", DEFAULT_TIMEOUT, "5s", (r, f, where) -> r.nodes.readDuration(f, null, true));
  static final Option<RequestOptionsReader, List<QueryParam>> QUERY =
      Option.merged("query", List.of(), RequestOptionsReader::readQuery, RequestOptionsReader::queryOver);
  static final Option<RequestOptionsReader, Auth> AUTH =
      Option.replaced("auth", null, null, (r, f, where) -> r.tlsAuth.readAuth(f, where));
  /** Null by default: {@link RequestSpec} takes 5 s, or the timeout when that is shorter. */
  static final Option<RequestOptionsReader, Duration> CONNECT_TIMEOUT =
      Option.replaced("connectTimeout", null, "2s", (r, f, where) -> r.nodes.readDuration(f, null, true));
  static final Option<RequestOptionsReader, Boolean> FOLLOW_REDIRECTS =
      Option.replaced("followRedirects", true, "true", (r, f, where) -> r.nodes.readBoolean(f, true));
  static final Option<RequestOptionsReader, Integer> MAX_REDIRECTS =
      Option.replaced(
          "maxRedirects", RequestSpec.DEFAULT_MAX_REDIRECTS, "5",
          (r, f, where) -> r.nodes.readInt(f, RequestSpec.DEFAULT_MAX_REDIRECTS, 0));
  static final Option<RequestOptionsReader, Tls> TLS =
      Option.replaced("tls", Tls.DEFAULT, null, (r, f, where) -> r.tlsAuth.readTls(f, where));
  static final Option<RequestOptionsReader, Long> MAX_BODY_SIZE =
      Option.replaced("maxBodySize", RequestSpec.DEFAULT_MAX_BODY_BYTES, "1MiB", (r, f, where) -> r.readSize(f));
  static final Option<RequestOptionsReader, Protocol> HTTP =
      Option.replaced("http", Protocol.AUTO, null, (r, f, where) -> r.readProtocol(f));
  static final Option<RequestOptionsReader, Capture> CAPTURE =
      Option.replaced("capture", Capture.NEVER, null, (r, f, where) -> r.capture.read(f, where));

  /** Every request option, in the order messages list them. */
  static final List<Option<RequestOptionsReader, ?>> OPTIONS =
      List.of(
          METHOD, HEADERS, BODY, EXPECT, TIMEOUT, QUERY, AUTH, CONNECT_TIMEOUT, FOLLOW_REDIRECTS,
          MAX_REDIRECTS, TLS, MAX_BODY_SIZE, HTTP, CAPTURE);

  /** The keys a request mapping may hold: its url, then every option. */
  static final List<String> REQUEST_KEYS =
      Stream.concat(Stream.of("url"), Option.keys(OPTIONS).stream()).toList();

  private final NodeReader nodes;
  private final ExpectReader expect;
  private final TlsAuthReader tlsAuth;
  private final CaptureReader capture;

  RequestOptionsReader(NodeReader nodes, ExpectReader expect, TlsAuthReader tlsAuth) {
    this.nodes = nodes;
    this.expect = expect;
    this.tlsAuth = tlsAuth;
    this.capture = new CaptureReader(nodes);
  }

  /** A request body: text as written, or a mapping or list sent as JSON. */
  record Body(Secret text, boolean json) {}

  /** One query parameter: its value after substitution and as written. */
  record QueryParam(String name, Secret value, String asWritten) {}

  /** Every request option written in {@code m}, a job or one of its requests. */
  Written read(MapNode m, String where) {
    return Written.read(this, OPTIONS, m, where);
  }

  /** The request for one URL with every option resolved; defaults fill what is unwritten. */
  static RequestSpec spec(String url, String urlAsWritten, Written p) {
    Map<String, Secret> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.putAll(p.get(HEADERS));
    Body body = p.get(BODY);
    if (body != null && body.json() && !headers.containsKey("Content-Type")) {
      headers.put("Content-Type", Secret.of("application/json"));
    }
    StringBuilder full = new StringBuilder(url);
    StringBuilder shown = new StringBuilder(urlAsWritten);
    char sep = url.indexOf('?') >= 0 ? '&' : '?';
    for (QueryParam q : p.get(QUERY)) {
      full.append(sep).append(encode(q.name())).append('=').append(encode(q.value().reveal()));
      shown.append(sep).append(q.name()).append('=').append(q.asWritten());
      sep = '&';
    }
    // A job of 100,000 URLs keeps 100,000 specs: the common parts are shared, not copied per URL.
    String fullText = full.toString();
    String shownText = shown.toString();
    Expect expect = ExpectReader.expect(p.get(EXPECT));
    return new RequestSpec(
        p.get(METHOD),
        fullText,
        headers,
        body == null ? null : body.text(),
        p.get(TIMEOUT),
        expect.equals(Expect.DEFAULT) ? Expect.DEFAULT : expect,
        shownText.equals(fullText) ? fullText : shownText,
        p.get(CONNECT_TIMEOUT),
        p.get(FOLLOW_REDIRECTS) ? p.get(MAX_REDIRECTS) : 0,
        p.get(AUTH),
        p.get(TLS),
        p.get(MAX_BODY_SIZE),
        p.get(HTTP),
        p.get(CAPTURE));
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Headers merge by name, ignoring case; the request's value and spelling win. */
  private static Map<String, Secret> headersOver(Map<String, Secret> mine, Map<String, Secret> job) {
    Map<String, Secret> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.putAll(job);
    for (Map.Entry<String, Secret> e : mine.entrySet()) {
      h.remove(e.getKey()); // the request's spelling of the name wins too
      h.put(e.getKey(), e.getValue());
    }
    return h;
  }

  /** Query parameters merge by name; the job's come first. */
  private static List<QueryParam> queryOver(List<QueryParam> mine, List<QueryParam> job) {
    Map<String, QueryParam> q = new LinkedHashMap<>();
    job.forEach(p -> q.put(p.name(), p));
    mine.forEach(p -> q.put(p.name(), p));
    return List.copyOf(q.values());
  }

  private String readMethod(Field f) {
    if (f == null) {
      return DEFAULT_METHOD;
    }
    Value v = nodes.string(f, "an HTTP method");
    if (v == null) {
      return null;
    }
    String m = v.text().strip().toUpperCase(Locale.ROOT);
    if (METHODS.contains(m)) {
      return m;
    }
    nodes.problem(
        v.source().pos(),
        "method is not supported (found "
            + nodes.quoted(v)
            + "); use GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS");
    return null;
  }

  private Map<String, Secret> readHeaders(Field f, String where) {
    Map<String, Secret> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (f == null) {
      return headers;
    }
    MapNode m =
        nodes.mapping(
            f,
            "headers must be a mapping of name to value",
            "write e.g. headers: { Accept: application/json }");
    if (m == null) {
      return headers;
    }
    for (Field h : m.fields().values()) {
      if (!nodes.validHeaderName(h, where)) {
        continue;
      }
      if (headers.containsKey(h.key())) {
        nodes.problem(
            h.keyPos(),
            "header \""
                + h.key()
                + "\" appears twice "
                + where
                + " (names ignore case); remove one");
        continue;
      }
      Value v = headerValue(h);
      if (v != null) {
        headers.put(h.key(), Secret.of(v.text()));
      }
    }
    for (Field h : m.duplicates()) {
      nodes.problem(
          h.keyPos(), "header \"" + h.key() + "\" appears twice " + where + "; remove one");
    }
    return headers;
  }

  /** A header value; never quoted in a message, as it may be a credential. */
  private Value headerValue(Field h) {
    if (!(h.value() instanceof Scalar s) || s.text() == null || s.alias()) {
      nodes.problem(
          h.value().pos(),
          "header \""
              + h.key()
              + "\" must have a text value (found "
              + h.value().kind()
              + "); quote it, e.g. "
              + h.key()
              + ": \"value\"");
      return null;
    }
    Value v = nodes.substitute(s);
    if (v != null && (v.text().indexOf('\n') >= 0 || v.text().indexOf('\r') >= 0)) {
      nodes.problem(
          s.pos(), "header \"" + h.key() + "\" holds a line break; write its value on one line");
      return null;
    }
    return v;
  }

  private Body readBody(Field f) {
    if (f.value() instanceof Scalar s && s.text() != null && !s.alias()) {
      Value v = nodes.substitute(s);
      return v == null ? null : new Body(Secret.of(v.text()), false);
    }
    if (f.value() instanceof MapNode || f.value() instanceof ListNode) {
      StringBuilder json = new StringBuilder();
      return JsonBody.write(nodes, f.value(), json) ? new Body(Secret.of(json.toString()), true) : null;
    }
    nodes.problem(
        f.value().pos(),
        "body must be text, or a mapping sent as JSON (found "
            + f.value().kind()
            + "); write e.g. body: { x: 1 }");
    return null;
  }

  private List<QueryParam> readQuery(Field f, String where) {
    List<QueryParam> out = new ArrayList<>();
    if (f == null) {
      return out;
    }
    MapNode m =
        nodes.mapping(
            f,
            "query must be a mapping of name to value",
            "write e.g. query: { page: 1 }");
    if (m == null) {
      return out;
    }
    for (Field q : m.fields().values()) {
      if (q.value() instanceof Scalar s && s.text() != null && !s.alias()) {
        Value v = nodes.substitute(s);
        if (v != null) {
          out.add(new QueryParam(q.key(), Secret.of(v.text()), s.text()));
        }
      } else {
        nodes.problem(
            q.value().pos(),
            "query parameter \""
                + q.key()
                + "\" "
                + where
                + " must have a text value (found "
                + q.value().kind()
                + ")");
      }
    }
    for (Field q : m.duplicates()) {
      nodes.problem(q.keyPos(), "query parameter \"" + q.key() + "\" appears twice; remove one");
    }
    return out;
  }

  private Long readSize(Field f) {
    if (f == null) {
      return null;
    }
    Value v = nodes.string(f, "a size like 1MiB");
    if (v == null) {
      return null;
    }
    Long n = Sizes.bytes(v.text());
    if (n != null && n > 0 && n <= 1L << 30) {
      return n;
    }
    nodes.problem(
        v.source().pos(),
        f.key()
            + " must be a size from 1 byte to 1GiB (found "
            + nodes.quoted(v)
            + "); write e.g. "
            + f.key()
            + ": 1MiB, 512KiB or 65536");
    return null;
  }

  private Protocol readProtocol(Field f) {
    if (f == null) {
      return null;
    }
    Value v = nodes.string(f, "auto, 1.1 or 2");
    if (v == null) {
      return null;
    }
    return switch (v.text().strip()) {
      case "auto" -> Protocol.AUTO;
      case "1.1" -> Protocol.HTTP_1_1;
      case "2" -> Protocol.HTTP_2;
      default -> {
        nodes.problem(
            v.source().pos(),
            "http must be auto, \"1.1\" or \"2\" (found "
                + nodes.quoted(v)
                + "); auto offers HTTP/2 "
                + "over TLS");
        yield null;
      }
    };
  }
}
