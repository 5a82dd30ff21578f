package dev.cronloop.definition;

import dev.cronloop.definition.NodeReader.Value;
import dev.cronloop.definition.SourceTree.Field;
import dev.cronloop.definition.SourceTree.MapNode;
import java.util.List;
import java.util.Locale;

/**
 * Reads the {@code capture} block of a job or one of its requests: {@code { body: 4KiB, when:
 * failure }}. {@code when} must be written (a block that names a size but not when to keep it
 * would keep nothing, which is surely not meant); {@code body} defaults to {@link
 * Capture#DEFAULT_BYTES}.
 *
 * <p>Runs on: the thread that parses the file. Used for one document, then dropped.
 */
final class CaptureReader {
  static final List<String> KEYS = List.of("body", "when");
  private static final String EXAMPLE = "capture: { body: 4KiB, when: failure }";

  private final NodeReader nodes;

  CaptureReader(NodeReader nodes) {
    this.nodes = nodes;
  }

  Capture read(Field f, String where) {
    if (f == null) {
      return null;
    }
    MapNode m = nodes.mapping(f, "capture must be a mapping", "write e.g. " + EXAMPLE);
    if (m == null) {
      return null;
    }
    nodes.checkKeys(m, KEYS, "in capture " + where);
    Field body = m.fields().get("body");
    Field when = m.fields().get("when");
    if (when == null) {
      nodes.problem(
          m.pos(),
          "capture needs when: failure, always or never " + where + "; write e.g. " + EXAMPLE);
      return null;
    }
    Capture.When w = readWhen(when);
    Long size = body == null ? Long.valueOf(Capture.DEFAULT_BYTES) : readSize(body);
    return w == null || size == null ? null : new Capture(size, w);
  }

  private Capture.When readWhen(Field f) {
    Value v = nodes.string(f, "failure, always or never");
    if (v == null) {
      return null;
    }
    return switch (v.text().strip().toLowerCase(Locale.ROOT)) {
      case "failure" -> Capture.When.FAILURE;
      case "always" -> Capture.When.ALWAYS;
      case "never" -> Capture.When.NEVER;
      default -> {
        nodes.problem(
            v.source().pos(),
            "capture.when must be failure, always or never (found "
                + nodes.quoted(v)
                + "); failure keeps the body of fetches that had a response but did not end OK");
        yield null;
      }
    };
  }

  private Long readSize(Field f) {
    Value v = nodes.string(f, "a size like 4KiB");
    if (v == null) {
      return null;
    }
    Long n = Sizes.bytes(v.text());
    if (n != null && n >= 1 && n <= Capture.MAX_BYTES) {
      return n;
    }
    nodes.problem(
        v.source().pos(),
        "capture.body must be a size from 1 byte to 64KiB (found "
            + nodes.quoted(v)
            + "); write e.g. body: 4KiB, 512B or 16384");
    return null;
  }
}
