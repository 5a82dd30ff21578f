package dev.cronloop.definition;

import dev.cronloop.definition.NodeReader.Value;
import dev.cronloop.definition.SourceTree.Field;
import dev.cronloop.definition.SourceTree.ListNode;
import dev.cronloop.definition.SourceTree.MapNode;
import dev.cronloop.definition.SourceTree.Node;
import dev.cronloop.definition.SourceTree.Scalar;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a job's {@code notify:} and {@code failWhen:} blocks. Each key of {@code notify} is an
 * {@link Option} of {@link #OPTIONS}, read in table order; channel names are checked against the
 * channels files later, by {@code FolderState}, which sees the whole folder.
 *
 * <p>Runs on: the thread that parses the file. Used for one job document.
 */
final class NotifyReader {
  private static final String EXAMPLE = "write e.g. notify: { channels: [ops], after: 2, repeat: 1h }";

  static final Option<NotifyReader, List<Notify.ChannelRef>> CHANNELS =
      Option.replaced("channels", List.of(), "[ops]", NotifyReader::readChannels);
  static final Option<NotifyReader, Integer> AFTER =
      Option.replaced("after", Notify.DEFAULT_AFTER, "2", (r, f, w) -> r.nodes.readInt(f, Notify.DEFAULT_AFTER, 1));
  static final Option<NotifyReader, Duration> REPEAT =
      Option.replaced("repeat", null, "1h", (r, f, w) -> r.nodes.readDuration(f, null, true));
  static final Option<NotifyReader, Set<Notify.On>> ON =
      Option.replaced("on", EnumSet.allOf(Notify.On.class), "[failure, recovery]", NotifyReader::readOn);

  /** The keys of {@code notify:}, in the order messages list them. */
  static final List<Option<NotifyReader, ?>> OPTIONS = List.of(CHANNELS, AFTER, REPEAT, ON);

  private final NodeReader nodes;

  NotifyReader(NodeReader nodes) {
    this.nodes = nodes;
  }

  /** The job's notify block, or null when it has none (or a broken one, reported). */
  Notify readNotify(Field f, String where) {
    if (f == null) {
      return null;
    }
    MapNode m = nodes.mapping(f, "notify must be a mapping", EXAMPLE);
    if (m == null) {
      return null;
    }
    nodes.checkKeys(m, Option.keys(OPTIONS), "in notify " + where);
    List<Notify.ChannelRef> channels = value(CHANNELS, m, where);
    if (m.fields().get("channels") == null) {
      nodes.problem(m.pos(), "notify " + where + " names no channel; add channels: [NAME] with a channel of the"
          + " channels file");
    }
    return new Notify(channels, value(AFTER, m, where), value(REPEAT, m, where), value(ON, m, where));
  }

  private <T> T value(Option<NotifyReader, T> o, MapNode m, String where) {
    Field f = m.fields().get(o.key());
    if (f == null) {
      return o.fallback();
    }
    T v = o.read().read(this, f, where);
    return v == null ? o.fallback() : v;
  }

  /** {@code failWhen: { failed: 10 | 5% }}, or {@link FailWhen#ANY} when absent. */
  FailWhen readFailWhen(Field f, String where) {
    if (f == null) {
      return FailWhen.ANY;
    }
    String fix = "write e.g. failWhen: { failed: 5% } or failWhen: { failed: 10 }";
    MapNode m = nodes.mapping(f, "failWhen must be a mapping", fix);
    if (m == null) {
      return FailWhen.ANY;
    }
    nodes.checkKeys(m, List.of("failed"), "in failWhen " + where);
    Field failed = m.fields().get("failed");
    if (failed == null) {
      nodes.problem(m.pos(), "failWhen " + where + " has no failed; " + fix);
      return FailWhen.ANY;
    }
    Value v = nodes.string(failed, "a count like 10 or a share like 5%");
    if (v == null) {
      return FailWhen.ANY;
    }
    String text = v.text().strip();
    try {
      if (text.endsWith("%")) {
        double p = Double.parseDouble(text.substring(0, text.length() - 1).strip());
        if (p > 0 && p <= 100) {
          return new FailWhen(0, p);
        }
      } else {
        int n = Integer.parseInt(text);
        if (n >= 1) {
          return new FailWhen(n, 0);
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    nodes.problem(v.source().pos(), "failWhen.failed must be a whole number of at least 1 or a share over 0% up to"
        + " 100% (found " + nodes.quoted(v) + "); " + fix);
    return FailWhen.ANY;
  }

  private List<Notify.ChannelRef> readChannels(Field f, String where) {
    List<Scalar> names = new ArrayList<>();
    if (f.value() instanceof ListNode l) {
      for (Node n : l.items()) {
        if (n instanceof Scalar s && s.text() != null) {
          names.add(s);
        } else {
          nodes.problem(n.pos(), "notify.channels takes channel names (found " + n.kind() + ")");
        }
      }
    } else {
      Scalar s = nodes.literal(f, "a list of channel names like [ops]");
      if (s != null) {
        names.add(s);
      }
    }
    List<Notify.ChannelRef> refs = new ArrayList<>();
    for (Scalar s : names) {
      if (s.text().contains("${")) {
        nodes.problem(s.pos(), "notify.channels cannot use ${VAR} (found \"" + s.text() + "\"); write the channel"
            + " name, and put secrets in the channels file");
      } else if (refs.stream().anyMatch(r -> r.name().equals(s.text()))) {
        nodes.problem(s.pos(), "channel \"" + s.text() + "\" is named twice in notify.channels; remove one");
      } else {
        refs.add(new Notify.ChannelRef(s.text(), s.pos().line(), s.pos().column()));
      }
    }
    return refs;
  }

  private Set<Notify.On> readOn(Field f, String where) {
    List<Scalar> words = new ArrayList<>();
    if (f.value() instanceof ListNode l) {
      for (Node n : l.items()) {
        if (n instanceof Scalar s && s.text() != null) {
          words.add(s);
        } else {
          nodes.problem(n.pos(), "notify.on takes failure and recovery (found " + n.kind() + ")");
        }
      }
    } else {
      Scalar s = nodes.literal(f, "a list like [failure, recovery]");
      if (s != null) {
        words.add(s);
      }
    }
    Set<Notify.On> on = EnumSet.noneOf(Notify.On.class);
    for (Scalar s : words) {
      try {
        on.add(Notify.On.valueOf(s.text().strip().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        nodes.problem(s.pos(), "notify.on does not know \"" + s.text() + "\"; use failure or recovery");
      }
    }
    return on.isEmpty() ? null : on;
  }
}
