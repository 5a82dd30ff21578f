package dev.cronloop.definition;

import dev.cronloop.definition.NodeReader.Value;
import dev.cronloop.definition.SourceTree.Field;
import dev.cronloop.definition.SourceTree.ListNode;
import dev.cronloop.definition.SourceTree.MapNode;
import dev.cronloop.definition.SourceTree.Node;
import dev.cronloop.definition.SourceTree.Scalar;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads the document of a channels file (top level {@code channels:}) into {@link Channel}s,
 * adding a problem at its line and column for each thing wrong; a channel with a problem is left
 * out. Values may use {@code ${VAR}}; messages never quote a substituted value.
 *
 * <p>Runs on: the thread that parses the file. Used once.
 */
final class ChannelsReader {
  static final List<String> KINDS = List.of("webhook", "slack", "email", "ping");
  static final List<String> WEBHOOK_KEYS = List.of("webhook", "headers");
  static final List<String> EMAIL_KEYS = List.of("to", "from", "smtp", "user", "password", "starttls");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final String EXAMPLE = "write e.g. channels: { ops: { webhook: \"http://127.0.0.1:9000/hook\" } }";

  private final NodeReader nodes;
  private final List<Problem> problems;

  /** @param problems the list {@code nodes} adds to, to tell which channel had a problem */
  ChannelsReader(NodeReader nodes, List<Problem> problems) {
    this.nodes = nodes;
    this.problems = problems;
  }

  /** True when {@code doc} is a channels document rather than a job. */
  static boolean isChannels(Node doc) {
    return doc instanceof MapNode m && m.fields().containsKey("channels");
  }

  List<Channel> read(MapNode doc) {
    nodes.checkKeys(doc, List.of("channels"), "in a channels file (it holds channels: only; put jobs in files of their own)");
    List<Channel> channels = new ArrayList<>();
    MapNode m = nodes.mapping(doc.fields().get("channels"), "channels must be a mapping of name to channel", EXAMPLE);
    if (m == null) {
      return channels;
    }
    for (Field f : m.fields().values()) {
      int before = problemsSeen();
      Channel c = channel(f);
      if (c != null && problemsSeen() == before) {
        channels.add(c);
      }
    }
    for (Field f : m.duplicates()) {
      nodes.problem(f.keyPos(), "channel \"" + f.key() + "\" is defined twice in this file; remove one");
    }
    return channels;
  }

  private int problemsSeen() {
    return problems.size();
  }

  private void problem(SourceTree.Pos pos, String message) {
    nodes.problem(pos, message);
  }

  private Channel channel(Field f) {
    String name = f.key();
    if (!NAME.matcher(name).matches()) {
      problem(f.keyPos(), "channel name \"" + name + "\" must start with a letter or digit and hold only letters,"
          + " digits, '.', '_' or '-'; rename it");
      return null;
    }
    if (!(f.value() instanceof MapNode body)) {
      problem(f.value().pos(), "channel \"" + name + "\" must be a mapping (found " + f.value().kind() + "); " + EXAMPLE);
      return null;
    }
    List<String> kinds = body.fields().keySet().stream().filter(KINDS::contains).toList();
    if (kinds.size() != 1) {
      problem(body.pos(), "channel \"" + name + "\" must have exactly one of " + String.join(", ", KINDS)
          + " (found " + (kinds.isEmpty() ? "none" : String.join(", ", kinds)) + "); " + EXAMPLE);
      return null;
    }
    Channel.Place place = new Channel.Place(nodes.file(), f.keyPos().line(), f.keyPos().column());
    String where = "in channel \"" + name + "\"";
    return switch (kinds.get(0)) {
      case "webhook" -> {
        checkKeys(body, WEBHOOK_KEYS, where);
        Value url = url(body.fields().get("webhook"));
        Map<String, Secret> headers = headers(body.fields().get("headers"), where);
        yield url == null ? null : new Channel.Webhook(name, Secret.of(url.text()), url.source().text(), headers, place);
      }
      case "slack" -> {
        checkKeys(body, List.of("slack"), where);
        Value url = url(body.fields().get("slack"));
        yield url == null ? null : new Channel.Slack(name, Secret.of(url.text()), url.source().text(), place);
      }
      case "ping" -> {
        checkKeys(body, List.of("ping"), where);
        Value url = url(body.fields().get("ping"));
        yield url == null ? null : new Channel.Ping(name, Secret.of(url.text()), url.source().text(), place);
      }
      default -> {
        checkKeys(body, List.of("email"), where);
        yield email(name, body.fields().get("email"), place);
      }
    };
  }

  private void checkKeys(MapNode m, List<String> known, String where) {
    for (Field k : m.fields().values()) {
      if (!known.contains(k.key())) {
        String fix = Spelling.closest(k.key(), known).map(s -> "did you mean \"" + s + "\"?")
            .orElse("remove it or use one of: " + String.join(", ", known));
        problem(k.keyPos(), "unknown key \"" + k.key() + "\" " + where + "; " + fix);
      }
    }
  }

  /** An http or https URL, after substitution. */
  private Value url(Field f) {
    Value v = nodes.string(f, "a URL");
    if (v == null) {
      return null;
    }
    String shown = v.secret() ? "" : " (found \"" + v.text() + "\")";
    try {
      URI u = new URI(v.text());
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null) {
        return v;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    problem(v.source().pos(), f.key() + " must be an absolute http or https URL" + shown
        + "; write e.g. " + f.key() + ": \"https://hooks.example.org/abc\"");
    return null;
  }

  private Map<String, Secret> headers(Field f, String where) {
    Map<String, Secret> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (f == null) {
      return headers;
    }
    if (!(f.value() instanceof MapNode m)) {
      problem(f.value().pos(), "headers must be a mapping of name to value (found " + f.value().kind()
          + "); write e.g. headers: { Authorization: \"Bearer ${HOOK_TOKEN}\" }");
      return headers;
    }
    for (Field h : m.fields().values()) {
      if (!nodes.validHeaderName(h, where)) {
        continue;
      }
      Value v = nodes.string(h, "text");
      if (v != null) {
        headers.put(h.key(), Secret.of(v.text()));
      }
    }
    return headers;
  }

  private Channel email(String name, Field f, Channel.Place place) {
    if (!(f.value() instanceof MapNode m)) {
      problem(f.value().pos(), "email must be a mapping (found " + f.value().kind() + "); write e.g. email: { to: "
          + "[ops@example.org], from: cronloop@example.org, smtp: \"127.0.0.1:25\" }");
      return null;
    }
    String where = "in email of channel \"" + name + "\"";
    checkKeys(m, EMAIL_KEYS, where);
    List<String> to = addresses(m.fields().get("to"), m);
    String from = address(m.fields().get("from"), m, "from");
    Field smtp = m.fields().get("smtp");
    String host = null;
    int port = 25;
    if (smtp == null) {
      problem(m.pos(), "email of channel \"" + name + "\" has no smtp; add smtp: \"HOST:PORT\"");
    } else {
      Value v = nodes.string(smtp, "HOST:PORT");
      if (v != null) {
        int colon = v.text().lastIndexOf(':');
        try {
          host = colon < 0 ? v.text() : v.text().substring(0, colon);
          port = colon < 0 ? 25 : Integer.parseInt(v.text().substring(colon + 1));
          if (host.isBlank() || port < 1 || port > 65535) {
            throw new NumberFormatException();
          }
        } catch (NumberFormatException e) {
          problem(v.source().pos(), "smtp must be HOST:PORT with a port of 1-65535" + (v.secret() ? "" : " (found \""
              + v.text() + "\")") + "; write e.g. smtp: \"mail.example.org:587\"");
        }
      }
    }
    Secret user = secret(m.fields().get("user"));
    Secret password = secret(m.fields().get("password"));
    if ((user == null) != (password == null)) {
      problem(m.pos(), "email of channel \"" + name + "\" needs both user and password, or neither; add the other");
    }
    Channel.StartTls starttls = m.fields().get("starttls") == null ? Channel.StartTls.OPTIONAL
        : nodes.readEnum(m.fields().get("starttls"), Channel.StartTls.class, Channel.StartTls.OPTIONAL);
    if (to.isEmpty() || from == null || host == null) {
      return null;
    }
    return new Channel.Email(name, to, from, host, port, user, password, starttls, place);
  }

  private Secret secret(Field f) {
    if (f == null) {
      return null;
    }
    Value v = nodes.string(f, "text");
    if (v == null) {
      return null;
    }
    return Secret.of(v.text());
  }

  private List<String> addresses(Field f, MapNode m) {
    List<String> out = new ArrayList<>();
    if (f == null) {
      problem(m.pos(), "email has no to; add to: [ops@example.org]");
      return out;
    }
    if (f.value() instanceof ListNode l) {
      for (Node n : l.items()) {
        String a = n instanceof Scalar s ? checkAddress(s) : null;
        if (a == null && !(n instanceof Scalar)) {
          problem(n.pos(), "to takes mail addresses (found " + n.kind() + ")");
        }
        if (a != null) {
          out.add(a);
        }
      }
    } else {
      String a = address(f, m, "to");
      if (a != null) {
        out.add(a);
      }
    }
    return out;
  }

  private String address(Field f, MapNode m, String key) {
    if (f == null) {
      problem(m.pos(), "email has no " + key + "; add " + key + ": cronloop@example.org");
      return null;
    }
    if (f.value() instanceof Scalar s && s.text() != null) {
      return checkAddress(s);
    }
    problem(f.value().pos(), key + " must be a mail address (found " + f.value().kind() + ")");
    return null;
  }

  private String checkAddress(Scalar s) {
    Value v = nodes.substitute(s);
    if (v == null) {
      return null;
    }
    if (v.text().matches("[^@\\s]+@[^@\\s]+")) {
      return v.text();
    }
    problem(s.pos(), "\"" + (v.secret() ? s.text() : v.text()) + "\" is not a mail address; write e.g. ops@example.org");
    return null;
  }
}
