package dev.cronloop.definition;

import static dev.cronloop.definition.JobFileParser.DEFAULT_METHOD;
import static dev.cronloop.definition.JobFileParser.METHODS;
import static dev.cronloop.definition.NodeReader.JSON_LITERAL;
import static dev.cronloop.definition.NodeReader.jsonEscape;

import dev.cronloop.definition.NodeReader.Value;
import dev.cronloop.definition.RequestParts.Body;
import dev.cronloop.definition.RequestParts.QueryParam;
import dev.cronloop.definition.SourceTree.Field;
import dev.cronloop.definition.SourceTree.ListNode;
import dev.cronloop.definition.SourceTree.MapNode;
import dev.cronloop.definition.SourceTree.Node;
import dev.cronloop.definition.SourceTree.Scalar;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads the request settings written at one level, a job or one of its requests, into {@link
 * RequestParts}: method, headers, body, query, timeouts, redirects, size limit and HTTP version
 * here, with {@code auth}/{@code tls} and {@code expect} handed to their own readers.
 *
 * <p>Runs on: the thread that parses the file. Used for one document, then dropped.
 */
final class RequestOptionsReader {
  private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(B|KB|KiB|MB|MiB|GB|GiB)?");

  private final NodeReader nodes;
  private final ExpectReader expect;
  private final TlsAuthReader tlsAuth;

  RequestOptionsReader(NodeReader nodes, ExpectReader expect, TlsAuthReader tlsAuth) {
    this.nodes = nodes;
    this.expect = expect;
    this.tlsAuth = tlsAuth;
  }

  /** Every request setting written in {@code m}, a job or one of its requests. */
  RequestParts readParts(MapNode m, String where, String expectWhere) {
    Map<String, Field> f = m.fields();
    String method = f.get("method") == null ? null : readMethod(f.get("method"));
    Field bodyField = f.get("body");
    return new RequestParts(
        method,
        readHeaders(f.get("headers"), where),
        bodyField == null ? null : readBody(bodyField),
        readQuery(f.get("query"), where),
        tlsAuth.readAuth(f.get("auth"), where),
        nodes.readDuration(f.get("timeout"), null, true),
        nodes.readDuration(f.get("connectTimeout"), null, true),
        f.get("followRedirects") == null ? null : nodes.readBoolean(f.get("followRedirects"), true),
        f.get("maxRedirects") == null
            ? null
            : nodes.readInt(f.get("maxRedirects"), RequestSpec.DEFAULT_MAX_REDIRECTS, 0),
        tlsAuth.readTls(f.get("tls"), where),
        readSize(f.get("maxBodySize")),
        readProtocol(f.get("http")),
        expect.readExpect(f.get("expect"), expectWhere));
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
      return writeJson(f.value(), json) ? new Body(Secret.of(json.toString()), true) : null;
    }
    nodes.problem(
        f.value().pos(),
        "body must be text, or a mapping sent as JSON (found "
            + f.value().kind()
            + "); write e.g. body: { x: 1 }");
    return null;
  }

  /**
   * Writes a YAML or JSON node as JSON text, substituting {@code ${VAR}} in values. A value
   * written unquoted that reads as a JSON number, true, false or null stays one; all else is a
   * string.
   */
  private boolean writeJson(Node node, StringBuilder out) {
    if (node instanceof MapNode m) {
      out.append('{');
      String sep = "";
      for (Field f : m.fields().values()) {
        out.append(sep).append('"').append(jsonEscape(f.key())).append("\":");
        sep = ",";
        if (!writeJson(f.value(), out)) {
          return false;
        }
      }
      for (Field f : m.duplicates()) {
        nodes.problem(f.keyPos(), "key \"" + f.key() + "\" appears twice in body; remove one");
      }
      out.append('}');
      return true;
    }
    if (node instanceof ListNode l) {
      out.append('[');
      String sep = "";
      for (Node item : l.items()) {
        out.append(sep);
        sep = ",";
        if (!writeJson(item, out)) {
          return false;
        }
      }
      out.append(']');
      return true;
    }
    Scalar s = (Scalar) node;
    if (s.text() == null) {
      out.append("null");
      return true;
    }
    if (s.alias()) {
      nodes.problem(
          s.pos(), "body uses a YAML alias (found \"" + s.text() + "\"); write the value out");
      return false;
    }
    Value v = nodes.substitute(s);
    if (v == null) {
      return false;
    }
    if (!nodes.quotedInSource(s) && JSON_LITERAL.matcher(v.text()).matches()) {
      out.append(v.text());
    } else {
      out.append('"').append(jsonEscape(v.text())).append('"');
    }
    return true;
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
    java.util.regex.Matcher m = SIZE.matcher(v.text().strip());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "" : m.group(2);
      long factor =
          switch (unit) {
            case "KB" -> 1_000L;
            case "KiB" -> 1L << 10;
            case "MB" -> 1_000_000L;
            case "MiB" -> 1L << 20;
            case "GB" -> 1_000_000_000L;
            case "GiB" -> 1L << 30;
            default -> 1L;
          };
      if (n > 0 && n <= (1L << 30) / factor) {
        return n * factor;
      }
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
