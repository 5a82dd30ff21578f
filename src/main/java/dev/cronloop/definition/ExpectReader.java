package dev.cronloop.definition;

import static dev.cronloop.definition.JobFileParser.EXPECT_KEYS;
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
 * certificate expiry) of a job or one of its requests into {@link ExpectParts}.
 *
 * <p>Runs on: the thread that parses the file. Used for one document, then dropped.
 */
final class ExpectReader {
  private final NodeReader nodes;

  ExpectReader(NodeReader nodes) {
    this.nodes = nodes;
  }

  ExpectParts readExpect(Field f, String where) {
    if (f == null) {
      return ExpectParts.NONE;
    }
    MapNode m =
        nodes.mapping(
            f,
            "expect must be a mapping",
            "write e.g. expect: { status: \"200-299\" }");
    if (m == null) {
      return ExpectParts.NONE;
    }
    nodes.checkKeys(m, EXPECT_KEYS, where);
    StatusSet status = readStatus(m.fields().get("status"));
    Duration maxLatency = nodes.readDuration(m.fields().get("maxLatency"), null, true);
    String bodyContains = null;
    Field bc = m.fields().get("bodyContains");
    if (bc != null) {
      Value v = nodes.string(bc, "text");
      bodyContains = v == null ? null : v.text();
    }
    Regex bodyMatches = null;
    Field bm = m.fields().get("bodyMatches");
    if (bm != null) {
      Value v = nodes.string(bm, "a regular expression");
      bodyMatches = v == null ? null : nodes.regex(v, "bodyMatches");
    }
    return new ExpectParts(
        status,
        maxLatency,
        bodyContains,
        bodyMatches,
        readJsonChecks(m.fields().get("json"), where),
        readHeaderChecks(m.fields().get("headers"), where),
        nodes.readDuration(m.fields().get("certExpiresIn"), null, true));
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
