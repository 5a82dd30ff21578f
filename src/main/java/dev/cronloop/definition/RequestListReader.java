package dev.cronloop.definition;

import static dev.cronloop.definition.JobFileParser.readUtf8;
import static dev.cronloop.definition.RequestOptionsReader.REQUEST_KEYS;
import static dev.cronloop.definition.RequestOptionsReader.spec;

import dev.cronloop.definition.NodeReader.Value;
import dev.cronloop.definition.SourceTree.Field;
import dev.cronloop.definition.SourceTree.ListNode;
import dev.cronloop.definition.SourceTree.MapNode;
import dev.cronloop.definition.SourceTree.Node;
import dev.cronloop.definition.SourceTree.Pos;
import dev.cronloop.definition.SourceTree.Scalar;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the requests of one job, from its {@code requests} list and its {@code urlsFrom} file, and
 * resolves each into a {@link RequestSpec}: the request's own options over the job's, defaults for
 * the rest ({@link RequestOptionsReader}). Problems in a {@code urlsFrom} file point into that file.
 *
 * <p>Runs on: the thread that parses the file (it reads {@code urlsFrom} files: never the event
 * loop). Used for one document, then dropped.
 */
final class RequestListReader {
  private final NodeReader nodes;
  private final RequestOptionsReader options;
  private final Path file;
  private final String id;
  private final Set<Path> reads = new LinkedHashSet<>();

  /**
   * @param id the job's id, named in messages
   */
  RequestListReader(NodeReader nodes, RequestOptionsReader options, String id) {
    this.nodes = nodes;
    this.options = options;
    this.file = nodes.file();
    this.id = id;
  }

  /** The requests of a urlsFrom file, and the file's text for the content hash. */
  record UrlList(List<RequestSpec> requests, String content) {}

  /** The files urlsFrom named so far, found or not. */
  Set<Path> reads() {
    return reads;
  }

  List<RequestSpec> readRequests(Field f, Written defaults) {
    List<RequestSpec> out = new ArrayList<>();
    if (f == null) {
      return out;
    }
    if (!(f.value() instanceof ListNode list)) {
      nodes.problem(
          f.value().pos(),
          "requests must be a list (found "
              + f.value().kind()
              + "); write each request on a "
              + "line starting with '- '");
      return out;
    }
    int n = 0;
    for (Node item : list.items()) {
      n++;
      RequestSpec r = readRequest(item, n, defaults);
      if (r != null) {
        out.add(r);
      }
    }
    return out;
  }

  private RequestSpec readRequest(Node item, int n, Written defaults) {
    String where = "in request " + n + " of job \"" + id + "\"";
    if (item instanceof Scalar s && s.text() != null && !s.alias()) {
      Value url = nodes.substitute(s);
      return url == null || !checkUrl(url.text(), s.text(), s.pos())
          ? null
          : fitting(spec(url.text(), url.source().text(), defaults), file, s.pos().line(), s.pos().column());
    }
    if (!(item instanceof MapNode m)) {
      nodes.problem(
          item.pos(),
          "request "
              + n
              + " of job \""
              + id
              + "\" must be a URL or a mapping with url: (found "
              + item.kind()
              + ")");
      return null;
    }
    nodes.checkKeys(m, REQUEST_KEYS, where);
    Field urlField = m.fields().get("url");
    Value url = null;
    if (urlField == null) {
      nodes.problem(
          m.pos(), "request " + n + " of job \"" + id + "\" has no url; add url: https://...");
    } else {
      url = nodes.string(urlField, "an http or https URL");
      if (url != null && !checkUrl(url.text(), url.source().text(), url.source().pos())) {
        url = null;
      }
    }
    Written parts = options.read(m, where).over(defaults);
    if (url == null) {
      return null;
    }
    Pos at = url.source().pos();
    return fitting(spec(url.text(), url.source().text(), parts), file, at.line(), at.column());
  }

  /** True when {@code url} is an absolute http(s) URL with a host; else a problem. */
  private boolean checkUrl(String url, String asWritten, Pos pos) {
    String why = urlProblem(url);
    if (why == null) {
      return true;
    }
    boolean substituted = !url.equals(asWritten);
    nodes.problem(
        new Problem(
            file,
            pos.line(),
            pos.column(),
            "url \""
                + asWritten
                + "\" "
                + why
                + (substituted ? " after substitution" : "")
                + "; write it like https://example.org/path"
                + (substituted ? " and check the variables it uses" : "")));
    return false;
  }

  UrlList readUrlsFrom(Field f, Written defaults) {
    List<RequestSpec> out = new ArrayList<>();
    if (f == null) {
      return new UrlList(out, "");
    }
    Value v = nodes.string(f, "a file name");
    if (v == null) {
      return new UrlList(out, "");
    }
    Path folder = file.toAbsolutePath().getParent();
    Path target = urlsFile(v, folder);
    if (target == null) {
      return new UrlList(out, "");
    }
    String content;
    try {
      content = readUtf8(target);
    } catch (IOException e) {
      nodes.problem(
          v.source().pos(),
          "urlsFrom "
              + nodes.quoted(v)
              + " cannot be read ("
              + e.getClass().getSimpleName()
              + "); check that it is a UTF-8 text file you may read");
      return new UrlList(out, "");
    }
    Path shown = file.resolveSibling(Path.of(v.text()));
    int lineNo = 0;
    for (String line : content.split("\r?\n", -1)) {
      lineNo++;
      String url = line.strip();
      if (url.isEmpty() || url.startsWith("#")) {
        continue;
      }
      int col = line.indexOf(url) + 1;
      RequestSpec r = urlLine(url, shown, lineNo, col, defaults);
      if (r != null) {
        out.add(r);
      }
    }
    return new UrlList(out, content);
  }

  /** The file urlsFrom names, checked to stay inside the jobs folder; null with a problem. */
  private Path urlsFile(Value v, Path folder) {
    Path rel;
    try {
      rel = Path.of(v.text());
    } catch (InvalidPathException e) {
      nodes.problem(
          v.source().pos(),
          "urlsFrom is not a valid path (found " + nodes.quoted(v) + "); fix the name");
      return null;
    }
    boolean upward = false;
    for (Path part : rel) {
      upward |= part.toString().equals("..");
    }
    if (rel.isAbsolute() || upward || v.text().startsWith("/") || v.text().startsWith("\\")) {
      nodes.problem(
          v.source().pos(),
          "urlsFrom may not leave the jobs folder (found "
              + nodes.quoted(v)
              + "); put the file in the "
              + "jobs folder and give its path relative to this job file");
      return null;
    }
    Path target = folder.resolve(rel).normalize();
    reads.add(target);
    if (!Files.exists(target)) {
      nodes.problem(
          v.source().pos(),
          "urlsFrom file not found (found "
              + nodes.quoted(v)
              + (v.secret() ? "" : ", looked for " + target)
              + "); create it or fix the path");
      return null;
    }
    try {
      if (!target.toRealPath().startsWith(folder.toRealPath())) {
        nodes.problem(
            v.source().pos(),
            "urlsFrom may not leave the jobs folder (found "
                + nodes.quoted(v)
                + ", a link to "
                + "outside it); copy the file into the jobs folder");
        return null;
      }
    } catch (IOException e) {
      nodes.problem(
          v.source().pos(),
          "urlsFrom cannot be resolved (found " + nodes.quoted(v) + "); check the path");
      return null;
    }
    if (!Files.isRegularFile(target)) {
      nodes.problem(
          v.source().pos(),
          "urlsFrom is not a file (found " + nodes.quoted(v) + "); name a text file of URLs");
      return null;
    }
    return target;
  }

  /**
   * The request when its URL as written, with its query, fits {@code fetches.url} (that text is
   * what every fetch records); else null and a problem at the url.
   */
  private RequestSpec fitting(RequestSpec r, Path where, int line, int col) {
    int length = r.urlAsWritten().length();
    if (length <= RequestSpec.MAX_URL_CHARS) {
      return r;
    }
    nodes.problem(new Problem(where, line, col, "url is " + length + " characters"
        + ", longer than the " + RequestSpec.MAX_URL_CHARS + " the database keeps; shorten it"));
    return null;
  }

  /** One line of a urlsFrom file; its problems point into that file. */
  private RequestSpec urlLine(String raw, Path shown, int lineNo, int col, Written defaults) {
    Substitution.Result r = nodes.substitution(raw);
    for (Substitution.Error e : r.errors()) {
      nodes.problem(new Problem(shown, lineNo, col + e.index(), e.message()));
    }
    if (r.value() == null) {
      return null;
    }
    String why = urlProblem(r.value());
    if (why != null) {
      nodes.problem(
          new Problem(
              shown,
              lineNo,
              col,
              "url \""
                  + raw
                  + "\" "
                  + why
                  + (r.substituted() ? " after substitution" : "")
                  + "; write one https://... URL per line, or # for a comment"));
      return null;
    }
    return fitting(spec(r.value(), raw, defaults), shown, lineNo, col);
  }

  /** Why {@code url} is not an absolute http(s) URL with a host, or null when it is one. */
  static String urlProblem(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return "is not a valid URL (" + e.getReason() + ")";
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      return "is not an absolute http or https URL";
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      return "has no host";
    }
    return null;
  }
}
