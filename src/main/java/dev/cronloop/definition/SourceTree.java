package dev.cronloop.definition;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed YAML or JSON document that keeps the line and column of every key and value, so that
 * each problem can point at the place a person must edit. Jackson's own tree drops locations, hence
 * this small one built from the token stream.
 */
final class SourceTree {

  private SourceTree() {}

  /** A place in the source: 1-based line and column, and the 0-based char offset. */
  record Pos(int line, int column, int offset) {
    static Pos of(JsonLocation l) {
      return new Pos(l.getLineNr(), l.getColumnNr(), (int) Math.max(0, l.getCharOffset()));
    }
  }

  sealed interface Node permits MapNode, ListNode, Scalar {
    Pos pos();

    /** What kind of value this is, for messages: "a mapping", "a list", "text". */
    String kind();
  }

  /** One key of a mapping, with where the key itself is written. */
  record Field(String key, Pos keyPos, Node value) {}

  /**
   * A mapping in source order.
   *
   * @param duplicates keys written more than once (all but the first occurrence)
   */
  record MapNode(Pos pos, Map<String, Field> fields, List<Field> duplicates) implements Node {
    @Override
    public String kind() {
      return "a mapping";
    }
  }

  record ListNode(Pos pos, List<Node> items) implements Node {
    @Override
    public String kind() {
      return "a list";
    }
  }

  /**
   * A scalar as written. {@code text} is null for YAML/JSON null (an empty value). {@code alias}
   * marks a YAML alias ({@code *name}), which this format does not support.
   */
  record Scalar(Pos pos, String text, boolean alias) implements Node {
    @Override
    public String kind() {
      return text == null ? "no value" : "text";
    }
  }

  /** The documents of one file, plus the syntax error that ended reading early, if any. */
  record Parsed(List<Node> documents, Problem syntaxError) {}

  private static final JsonFactory JSON = new JsonFactory();
  private static final YAMLFactory YAML = new YAMLFactory();

  /** Reads every document of {@code text}; JSON when {@code json}, else a YAML stream. */
  static Parsed read(java.nio.file.Path file, String text, boolean json) {
    List<Node> docs = new ArrayList<>();
    try (JsonParser p = (json ? JSON : YAML).createParser(text)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        Node doc = node(p, t, text);
        if (!(doc instanceof Scalar s && s.text() == null)) { // an empty YAML document
          docs.add(doc);
        }
      }
      return new Parsed(docs, null);
    } catch (JsonProcessingException e) {
      return new Parsed(docs, syntaxProblem(file, e, json));
    } catch (IOException e) {
      return new Parsed(docs, new Problem(file, 0, 0, "cannot read (" + e.getMessage() + ")"));
    }
  }

  private static Node node(JsonParser p, JsonToken t, String text) throws IOException {
    Pos pos = Pos.of(p.currentTokenLocation());
    switch (t) {
      case START_OBJECT -> {
        Map<String, Field> fields = new LinkedHashMap<>();
        List<Field> duplicates = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          Pos keyPos = Pos.of(p.currentTokenLocation());
          Node value = node(p, p.nextToken(), text);
          Field f = new Field(key, keyPos, value);
          if (fields.putIfAbsent(key, f) != null) {
            duplicates.add(f);
          }
        }
        return new MapNode(pos, fields, duplicates);
      }
      case START_ARRAY -> {
        List<Node> items = new ArrayList<>();
        JsonToken next;
        while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
          items.add(node(p, next, text));
        }
        return new ListNode(pos, items);
      }
      case VALUE_NULL -> {
        return new Scalar(pos, null, false);
      }
      default -> {
        // A plain YAML scalar cannot start with '*': there it can only be an alias.
        boolean alias =
            pos.offset() < text.length()
                && text.charAt(pos.offset()) == '*'
                && t == JsonToken.VALUE_STRING;
        return new Scalar(pos, p.getText(), alias);
      }
    }
  }

  private static Problem syntaxProblem(
      java.nio.file.Path file, JsonProcessingException e, boolean json) {
    String what;
    int line;
    int column;
    if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException m
        && m.getProblemMark() != null) {
      what = m.getProblem();
      line = m.getProblemMark().getLine() + 1;
      column = m.getProblemMark().getColumn() + 1;
    } else {
      what = e.getOriginalMessage();
      JsonLocation l = e.getLocation();
      line = l == null ? 0 : Math.max(0, l.getLineNr());
      column = l == null ? 0 : Math.max(0, l.getColumnNr());
    }
    String firstLine = what == null ? "unreadable" : what.strip().lines().findFirst().orElse("");
    String format = json ? "JSON" : "YAML";
    return new Problem(
        file,
        line,
        column,
        format
            + " syntax error ("
            + firstLine
            + "); fix the "
            + (json ? "brackets, commas and quotes" : "indentation and quoting")
            + " near here");
  }
}
