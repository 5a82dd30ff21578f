package dev.cronloop.definition;

import static dev.cronloop.definition.NodeReader.JSON_LITERAL;
import static dev.cronloop.definition.NodeReader.jsonEscape;

import dev.cronloop.definition.NodeReader.Value;
import dev.cronloop.definition.SourceTree.Field;
import dev.cronloop.definition.SourceTree.ListNode;
import dev.cronloop.definition.SourceTree.MapNode;
import dev.cronloop.definition.SourceTree.Node;
import dev.cronloop.definition.SourceTree.Pos;
import dev.cronloop.definition.SourceTree.Scalar;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the checks of an {@code expect} block (status, latency, body, json paths, headers,
 * certificate expiry) of a job or one of its requests, and makes the {@link Expect} a request
 * checks. {@link #OPTIONS} is the table of checks: each one's key, default, how it is read and how a
 * request's check meets the job's (json paths and header names merge; the rest is replaced).
 *
 * <p>Runs on: the thread that parses the file. Used for one document, then dropped.
 */
final class ExpectReader {
  static final Option<ExpectReader, StatusSet> STATUS =
      Option.replaced("status", StatusSet.SUCCESS, "\"200-299\"", (r, f, where) -> r.readStatus(f));
  static final Option<ExpectReader, Duration> MAX_LATENCY =
      Option.replaced("maxLatency", null, "5s", (r, f, where) -> r.nodes.readDuration(f, null, true));
  static final Option<ExpectReader, String> BODY_CONTAINS =
      Option.replaced("bodyContains", null, null, (r, f, where) -> r.readText(f));
  static final Option<ExpectReader, Regex> BODY_MATCHES =
      Option.replaced("bodyMatches", null, null, (r, f, where) -> r.readBodyMatches(f));
  static final Option<ExpectReader, Map<String, JsonCheck>> JSON =
      Option.merged("json", Map.of(), ExpectReader::readJsonChecks, ExpectReader::jsonOver);
  static final Option<ExpectReader, Map<String, HeaderCheck>> HEADERS =
      Option.merged("headers", Map.of(), ExpectReader::readHeaderChecks, ExpectReader::headersOver);
  static final Option<ExpectReader, Duration> CERT_EXPIRES_IN =
      Option.replaced("certExpiresIn", null, "30d", (r, f, where) -> r.nodes.readDuration(f, null, true));

  /** Every check, in the order messages list them. */
  static final List<Option<ExpectReader, ?>> OPTIONS =
      List.of(STATUS, MAX_LATENCY, BODY_CONTAINS, BODY_MATCHES, JSON, HEADERS, CERT_EXPIRES_IN);

  static final List<String> EXPECT_KEYS = Option.keys(OPTIONS);

  private final NodeReader nodes;

  ExpectReader(NodeReader nodes) {
    this.nodes = nodes;
  }

  /** The checks written in {@code f}; null (with a problem) when it is not a mapping. */
  Written read(Field f, String where) {
    MapNode m =
        nodes.mapping(
            f,
            "expect must be a mapping",
            "write e.g. expect: { status: \"200-299\" }");
    if (m == null) {
      return null;
    }
    nodes.checkKeys(m, EXPECT_KEYS, where);
    return Written.read(this, OPTIONS, m, where);
  }

  /** The checks a request makes; defaults fill what is unwritten. */
  static Expect expect(Written w) {
    return new Expect(
        w.get(STATUS),
        w.get(MAX_LATENCY),
        w.get(BODY_CONTAINS),
        w.get(BODY_MATCHES),
        List.copyOf(w.get(JSON).values()),
        w.get(HEADERS),
        w.get(CERT_EXPIRES_IN));
  }

  private static Map<String, JsonCheck> jsonOver(Map<String, JsonCheck> mine, Map<String, JsonCheck> job) {
    Map<String, JsonCheck> j = new LinkedHashMap<>(job);
    j.putAll(mine);
    return j;
  }

  private static Map<String, HeaderCheck> headersOver(
      Map<String, HeaderCheck> mine, Map<String, HeaderCheck> job) {
    Map<String, HeaderCheck> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.putAll(job);
    h.putAll(mine);
    return h;
  }

  private String readText(Field f) {
    Value v = nodes.string(f, "text");
    return v == null ? null : v.text();
  }

  private Regex readBodyMatches(Field f) {
    Value v = nodes.string(f, "a regular expression");
    return v == null ? null : nodes.regex(v, "bodyMatches");
  }

  private StatusSet readStatus(Field f) {
    if (f == null) {
      return null;
    }
    List<StatusSet.Range> ranges = new ArrayList<>();
    if (f.value() instanceof ListNode list) {
      for (Node item : list.items()) {
        Value v =
            item instanceof Scalar s && s.text() != null && !s.alias() ? nodes.substitute(s) : null;
        if (v == null) {
          statusProblem(item.pos(), item.kind());
        } else {
          statusRanges(v, ranges);
        }
      }
      if (list.items().isEmpty()) {
        statusProblem(list.pos(), "an empty list");
      }
    } else {
      Value v = nodes.string(f, "HTTP status codes");
      if (v != null) {
        statusRanges(v, ranges);
      }
    }
    return ranges.isEmpty() ? null : new StatusSet(ranges);
  }

  private void statusRanges(Value v, List<StatusSet.Range> into) {
    for (String part : v.text().split(",", -1)) {
      String p = part.strip();
      String[] ends = p.split("-", -1);
      try {
        int from = Integer.parseInt(ends[0].strip());
        int to = ends.length == 2 ? Integer.parseInt(ends[1].strip()) : from;
        if (ends.length <= 2 && from >= 100 && to <= 599 && from <= to) {
          into.add(new StatusSet.Range(from, to));
          continue;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      statusProblem(v.source().pos(), nodes.quoted(v));
      return;
    }
  }

  private void statusProblem(Pos pos, String found) {
    nodes.problem(
        pos,
        "status must be HTTP codes 100-599 (found "
            + found
            + "); write e.g. 200, \"200-299\", "
            + "[200, 201] or \"200,301-302\"");
  }

  private Map<String, JsonCheck> readJsonChecks(Field f, String where) {
    Map<String, JsonCheck> out = new LinkedHashMap<>();
    if (f == null) {
      return out;
    }
    MapNode m =
        nodes.mapping(
            f,
            "json must be a mapping of path to value",
            "write e.g. json: { /status: up, $.items[0].id: exists }");
    if (m == null) {
      return out;
    }
    for (Field c : m.fields().values()) {
      String pointer = JsonPaths.toPointer(c.key());
      if (pointer == null) {
        nodes.problem(
            c.keyPos(),
            "json path \""
                + c.key()
                + "\" "
                + where
                + " is not valid ("
                + JsonPaths.whyInvalid(c.key())
                + "); write a JSON Pointer like /a/b/0 or a path like $.a.b[0]");
        continue;
      }
      if (!(c.value() instanceof Scalar s) || s.alias()) {
        nodes.problem(
            c.value().pos(),
            "json check \""
                + c.key()
                + "\" must be a value, exists or absent (found "
                + c.value().kind()
                + ")");
        continue;
      }
      out.put(c.key(), jsonCheck(c.key(), pointer, s));
    }
    return out;
  }

  private JsonCheck jsonCheck(String path, String pointer, Scalar s) {
    if (s.text() == null) {
      return new JsonCheck(path, pointer, JsonCheck.Kind.EQUALS, "null", false);
    }
    boolean quoted = nodes.quotedInSource(s);
    if (!quoted && s.text().equals("exists")) {
      return new JsonCheck(path, pointer, JsonCheck.Kind.EXISTS, null, false);
    }
    if (!quoted && s.text().equals("absent")) {
      return new JsonCheck(path, pointer, JsonCheck.Kind.ABSENT, null, false);
    }
    Value v = nodes.substitute(s);
    String t = v == null ? "" : v.text();
    String expected =
        !quoted && JSON_LITERAL.matcher(t).matches() ? t : "\"" + jsonEscape(t) + "\"";
    return new JsonCheck(path, pointer, JsonCheck.Kind.EQUALS, expected, !quoted);
  }

  private Map<String, HeaderCheck> readHeaderChecks(Field f, String where) {
    Map<String, HeaderCheck> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (f == null) {
      return out;
    }
    MapNode m =
        nodes.mapping(
            f,
            "expect.headers must be a mapping of name to value or /regex/",
            "write e.g. headers: { Content-Type: /json/ }");
    if (m == null) {
      return out;
    }
    for (Field h : m.fields().values()) {
      if (!nodes.validHeaderName(h, where)) {
        continue;
      }
      Value v = h.value() instanceof Scalar s && s.text() != null && !s.alias()
          ? nodes.substitute(s)
          : null;
      if (v == null) {
        nodes.problem(h.value().pos(), "header check \"" + h.key() + "\" must be text or /regex/");
        continue;
      }
      String t = v.text();
      if (t.length() >= 2 && t.startsWith("/") && t.endsWith("/")) {
        Regex r = nodes.regex(new Value(t.substring(1, t.length() - 1), v.secret(), v.source()),
            "header check \"" + h.key() + "\"");
        if (r != null) {
          out.put(h.key(), new HeaderCheck(null, r));
        }
      } else {
        out.put(h.key(), new HeaderCheck(t, null));
      }
    }
    return out;
  }
}
