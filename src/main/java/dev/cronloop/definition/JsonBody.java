package dev.cronloop.definition;

import static dev.cronloop.definition.NodeReader.JSON_LITERAL;
import static dev.cronloop.definition.NodeReader.jsonEscape;

import dev.cronloop.definition.NodeReader.Value;
import dev.cronloop.definition.SourceTree.Field;
import dev.cronloop.definition.SourceTree.ListNode;
import dev.cronloop.definition.SourceTree.MapNode;
import dev.cronloop.definition.SourceTree.Node;
import dev.cronloop.definition.SourceTree.Scalar;

/**
 * A {@code body} written as a mapping or list, sent as JSON text.
 *
 * <p>Runs on: the thread that parses the file.
 */
final class JsonBody {
  private JsonBody() {}

  /**
   * Writes a YAML or JSON node as JSON text, substituting {@code ${VAR}} in values. A value
   * written unquoted that reads as a JSON number, true, false or null stays one; all else is a
   * string.
   */
  static boolean write(NodeReader nodes, Node node, StringBuilder out) {
    if (node instanceof MapNode m) {
      out.append('{');
      String sep = "";
      for (Field f : m.fields().values()) {
        out.append(sep).append('"').append(jsonEscape(f.key())).append("\":");
        sep = ",";
        if (!write(nodes, f.value(), out)) {
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
        if (!write(nodes, item, out)) {
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
}
