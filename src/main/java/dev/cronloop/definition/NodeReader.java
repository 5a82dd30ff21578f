package dev.cronloop.definition;

import static dev.cronloop.definition.JobFileParser.DEFAULT_CONCURRENCY;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.cronloop.definition.SourceTree.Field;
import dev.cronloop.definition.SourceTree.MapNode;
import dev.cronloop.definition.SourceTree.Pos;
import dev.cronloop.definition.SourceTree.Scalar;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the values of one job document's nodes (text, numbers, booleans, words, durations,
 * regular expressions) and reports each problem at the line and column a person must edit. The
 * readers of requests, checks and TLS/auth share one instance per document, so that every problem
 * of the document lands in one list and any of them marks the job as not loadable.
 *
 * <p>Runs on: the thread that parses the file. Used for one document, then dropped.
 */
final class NodeReader {

  /** An unquoted value that reads as one of these stays a JSON literal in a body or json check. */
  static final Pattern JSON_LITERAL =
      Pattern.compile("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?|true|false|null");

  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  /** A string value after substitution; {@code secret} when a variable went into it. */
  record Value(String text, boolean secret, Scalar source) {}

  private final Path file;
  private final String text;
  private final Function<String, String> env;
  private final List<Problem> problems;
  private boolean bad;

  /**
   * @param file the job file, named in every problem
   * @param text the whole file, to map a character of a scalar to its column
   * @param env the environment {@code ${VAR}} reads from
   * @param problems where problems are added
   */
  NodeReader(Path file, String text, Function<String, String> env, List<Problem> problems) {
    this.file = file;
    this.text = text;
    this.env = env;
    this.problems = problems;
  }

  /** The job file being read. */
  Path file() {
    return file;
  }

  /** True once any problem was reported: the job must not load. */
  boolean bad() {
    return bad;
  }

  // ---- problems and places

  /** Adds {@code p} and marks the job as not loadable. */
  void problem(Problem p) {
    problems.add(p);
    bad = true;
  }

  void problem(Pos pos, String message) {
    problem(new Problem(file, pos.line(), pos.column(), message));
  }

  /**
   * The column of character {@code index} of a scalar's text. It maps only when the text is
   * written on one line without escapes; else the column of the scalar itself.
   */
  int column(Scalar s, int index) {
    int at = s.pos().offset();
    if (at >= text.length()) {
      return s.pos().column();
    }
    char c = text.charAt(at);
    int skip = c == '"' || c == '\'' ? 1 : 0;
    if (text.regionMatches(at + skip, s.text(), 0, s.text().length())) {
      return s.pos().column() + skip + index;
    }
    return s.pos().column();
  }

  void checkKeys(MapNode map, List<String> known, String where) {
    for (Field f : map.fields().values()) {
      if (!known.contains(f.key())) {
        String fix =
            Spelling.closest(f.key(), known)
                .map(k -> "did you mean \"" + k + "\"?")
                .orElse("remove it or use one of: " + String.join(", ", known));
        problem(f.keyPos(), "unknown key \"" + f.key() + "\" " + where + "; " + fix);
      }
    }
    for (Field f : map.duplicates()) {
      problem(
          f.keyPos(), "key \"" + f.key() + "\" appears twice " + where + "; remove one of them");
    }
  }

  // ---- scalars

  /** The scalar of {@code f}, or null with a problem when it is not one. */
  Scalar scalar(Field f, String expected) {
    if (f.value() instanceof Scalar s && s.alias()) {
      problem(
          s.pos(),
          f.key() + " uses a YAML alias (found \"" + s.text() + "\"); write the value out");
      return null;
    }
    if (f.value() instanceof Scalar s && s.text() != null) {
      return s;
    }
    problem(
        f.value().pos(),
        f.key()
            + " must be "
            + expected
            + " (found "
            + f.value().kind()
            + "); write e.g. "
            + f.key()
            + ": "
            + example(f.key()));
    return null;
  }

  /** A value of {@code key} to show in a message: the option table's example, or one of the job's. */
  private static String example(String key) {
    for (List<? extends Option<?, ?>> table : List.of(RequestOptionsReader.OPTIONS, ExpectReader.OPTIONS)) {
      for (Option<?, ?> o : table) {
        if (o.key().equals(key) && o.example() != null) {
          return o.example();
        }
      }
    }
    return switch (key) {
      case "insecure" -> "true";
      case "schedule" -> "\"0 */5 * * * ?\"";
      case "zone" -> "Europe/Berlin";
      case "enabled" -> "true";
      case "concurrency" -> String.valueOf(DEFAULT_CONCURRENCY);
      case "overlap" -> "skip";
      case "misfire" -> "fire-once";
      case "max" -> "2";
      case "url" -> "https://example.org/health";
      case "urlsFrom" -> "targets.txt";
      case "spread", "jitter", "backoff" -> "5s";
      case "after" -> "2";
      case "repeat" -> "1h";
      default -> "\"text\"";
    };
  }

  /** A string value with {@code ${VAR}} replaced, or null with problems. */
  Value string(Field f, String expected) {
    Scalar s = scalar(f, expected);
    return s == null ? null : substitute(s);
  }

  Value substitute(Scalar s) {
    Substitution.Result r = Substitution.apply(s.text(), env);
    for (Substitution.Error e : r.errors()) {
      problem(new Problem(file, s.pos().line(), column(s, e.index()), e.message()));
    }
    return r.value() == null ? null : new Value(r.value(), r.substituted(), s);
  }

  /** A string value that must be written literally (no {@code ${VAR}}). */
  Scalar literal(Field f, String expected) {
    Scalar s = scalar(f, expected);
    if (s != null && s.text().contains("${")) {
      problem(
          s.pos(),
          f.key()
              + " cannot use ${VAR} (found \""
              + s.text()
              + "\"); write it literally, since "
              + "every node must read the same "
              + f.key());
      return null;
    }
    return s;
  }

  String quoted(Value v) {
    return "\"" + v.source().text() + "\"";
  }

  // ---- typed values

  boolean readBoolean(Field f, boolean fallback) {
    if (f == null) {
      return fallback;
    }
    Value v = string(f, "true or false");
    if (v == null) {
      return fallback;
    }
    return switch (v.text()) {
      case "true" -> true;
      case "false" -> false;
      default -> {
        problem(v.source().pos(), f.key() + " must be true or false (found " + quoted(v) + ")");
        yield fallback;
      }
    };
  }

  int readInt(Field f, int fallback, int min) {
    if (f == null) {
      return fallback;
    }
    Value v = string(f, "a whole number");
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.text().strip());
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problem(
        v.source().pos(),
        f.key()
            + " must be a whole number of at least "
            + min
            + " (found "
            + quoted(v)
            + "); write e.g. "
            + f.key()
            + ": "
            + example(f.key()));
    return fallback;
  }

  <E extends Enum<E>> E readEnum(Field f, Class<E> type, E fallback) {
    if (f == null) {
      return fallback;
    }
    Value v = string(f, "one of " + words(type));
    if (v == null) {
      return fallback;
    }
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      String word = e.name().toLowerCase(Locale.ROOT).replace('_', '-');
      if (word.equals(v.text().strip())) {
        return e;
      }
      names.add(word);
    }
    String fix =
        Spelling.closest(v.text(), names)
            .map(n -> "did you mean \"" + n + "\"?")
            .orElse("use " + words(type));
    problem(
        v.source().pos(),
        f.key() + " must be " + words(type) + " (found " + quoted(v) + "); " + fix);
    return fallback;
  }

  private <E extends Enum<E>> String words(Class<E> type) {
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    return String.join(", ", names.subList(0, names.size() - 1))
        + " or "
        + names.get(names.size() - 1);
  }

  /** A duration; {@code positive} refuses zero too. Null when absent and fallback is null. */
  Duration readDuration(Field f, Duration fallback, boolean positive) {
    if (f == null) {
      return fallback;
    }
    Value v = string(f, "a duration like 5s");
    if (v == null) {
      return fallback;
    }
    try {
      Duration d = DurationText.parse(v.text(), v.source().text());
      if (positive && d.isZero()) {
        problem(
            v.source().pos(),
            f.key()
                + " must be more than zero (found "
                + quoted(v)
                + "); write e.g. "
                + f.key()
                + ": 5s");
        return fallback;
      }
      return d;
    } catch (IllegalArgumentException e) {
      problem(v.source().pos(), f.key() + " " + e.getMessage());
      return fallback;
    }
  }

  // ---- shapes shared by several blocks

  /** True when {@code h} names a valid HTTP header; otherwise reports it and says false. */
  boolean validHeaderName(Field h, String where) {
    if (HEADER_NAME.matcher(h.key()).matches()) {
      return true;
    }
    problem(
        h.keyPos(),
        "header name \""
            + h.key()
            + "\" "
            + where
            + " is not a valid HTTP header name; use letters, digits and '-'");
    return false;
  }

  /**
   * The mapping {@code f} holds, or null when it holds something else, reported as {@code what
   * (found KIND); fix}.
   */
  MapNode mapping(Field f, String what, String fix) {
    if (f.value() instanceof MapNode m) {
      return m;
    }
    problem(f.value().pos(), what + " (found " + f.value().kind() + "); " + fix);
    return null;
  }

  /** True when a scalar is written in quotes, which makes it a string whatever it reads as. */
  boolean quotedInSource(Scalar s) {
    int at = s.pos().offset();
    return at < text.length() && (text.charAt(at) == '"' || text.charAt(at) == '\'');
  }

  /** Compiles a regex, or adds a problem at the column of the error. */
  Regex regex(Value v, String key) {
    try {
      return Regex.of(v.text());
    } catch (PatternSyntaxException e) {
      Scalar s = v.source();
      int col = v.secret() ? s.pos().column() : column(s, Math.max(0, e.getIndex()));
      problem(
          new Problem(
              file,
              s.pos().line(),
              col,
              key
                  + " is not a valid regular expression ("
                  + e.getDescription()
                  + (v.secret() ? "" : " in \"" + s.text() + "\"")
                  + "); fix it or escape the special character with \\"));
      return null;
    }
  }

  /** {@code raw} with {@code ${VAR}} replaced from the environment, for text not in a node. */
  Substitution.Result substitution(String raw) {
    return Substitution.apply(raw, env);
  }

  /** {@code s} escaped to go between the quotes of a JSON string. */
  static String jsonEscape(String s) {
    return new String(JsonStringEncoder.getInstance().quoteAsString(s));
  }
}
