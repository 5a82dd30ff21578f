package dev.cronloop.cli;

import java.io.BufferedWriter;
import java.io.File;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Runs {@code cronloop next} and {@code cronloop validate} without picocli when their arguments
 * are plain: the command name first, then only the command's own options, each once and with its
 * value as the next word, and (for {@code next}) one expression. Anything else, such as help, a
 * misspelt or repeated option, a missing value, {@code --count=3}, an {@code @file} picocli would
 * expand, or a failure, returns null, and picocli parses the same words as before and says what
 * is wrong in its own words. What is printed and the exit code are those of the command classes,
 * which these words reach with the values picocli would have given them.
 *
 * <p>Why: these commands take a few tenths of a second, and most of it was picocli. Its classes are
 * compiled for Java 5, which the class-data archive cannot hold, so each start loads and verifies
 * them from the jar; and it builds the whole command tree, nine commands, by reflection before it
 * looks at the first word (src/docs/benchmarks.md, "One-off start-up").
 */
final class PlainArgs {
  private static final Pattern COUNT = Pattern.compile("0|[1-9][0-9]{0,8}"); // as picocli reads it

  private PlainArgs() {}

  /** Runs the command {@code args} name and returns its exit code, or null to leave it to picocli. */
  static Integer run(String[] args) {
    return run(args, stdout(), stderr());
  }

  /** {@link #run(String[])} printing on {@code out} and {@code err}; for tests. */
  static Integer run(String[] args, PrintWriter out, PrintWriter err) {
    if (args.length == 0) {
      return null;
    }
    try {
      return switch (args[0]) {
        case "next" -> next(args, out, err);
        case "validate" -> validate(args, out);
        default -> null;
      };
    } catch (RuntimeException e) {
      return null; // picocli runs it again and reports the failure as for any command
    }
  }

  private static Integer next(String[] args, PrintWriter out, PrintWriter err) {
    NextCommand next = new NextCommand();
    Set<String> seen = new HashSet<>();
    for (int i = 1; i < args.length; i++) {
      String word = args[i];
      if (!literal(word)) {
        return null;
      }
      if (!word.startsWith("-")) {
        if (next.expression != null) {
          return null;
        }
        next.expression = word;
        continue;
      }
      if (!seen.add(word) || i + 1 == args.length || !literal(args[i + 1]) || args[i + 1].startsWith("-")) {
        return null;
      }
      String value = args[++i];
      switch (word) {
        case "--from" -> next.from = value;
        case "--zone" -> next.zone = value;
        case "--spread" -> next.spread = value;
        case "--id" -> next.id = value;
        case "--count" -> {
          if (!COUNT.matcher(value).matches()) {
            return null;
          }
          next.count = Integer.parseInt(value);
        }
        default -> {
          return null;
        }
      }
    }
    return next.expression == null ? null : next.call(out, err);
  }

  private static Integer validate(String[] args, PrintWriter out) {
    ValidateCommand validate = new ValidateCommand();
    Set<String> seen = new HashSet<>();
    for (int i = 1; i < args.length; i++) {
      String word = args[i];
      if (!literal(word) || !seen.add(word)) {
        return null;
      }
      if (word.equals("--json")) {
        validate.json = true;
      } else if (word.equals("--jobs") && i + 1 < args.length && literal(args[i + 1])
          && !args[i + 1].startsWith("-")) {
        try {
          validate.jobs = Path.of(args[++i]);
        } catch (InvalidPathException e) {
          return null;
        }
      } else {
        return null;
      }
    }
    return validate.call(out);
  }

  /**
   * True for a word picocli takes as it is: not empty, and not an argument file ({@code @name} of a
   * readable file, which picocli reads its arguments from, or {@code @@...}).
   */
  private static boolean literal(String word) {
    if (word.isEmpty()) {
      return false;
    }
    return !word.startsWith("@") || (!word.startsWith("@@") && !new File(word.substring(1)).canRead());
  }

  /** A writer on standard output as picocli makes one (its encoding, buffered, flushed per line). */
  private static PrintWriter stdout() {
    return writer(System.out, "sun.stdout.encoding");
  }

  private static PrintWriter stderr() {
    return writer(System.err, "sun.stderr.encoding");
  }

  private static PrintWriter writer(OutputStream stream, String encodingProperty) {
    String name = System.getProperty(encodingProperty);
    Charset charset = Charset.defaultCharset();
    if (name != null) {
      try {
        charset = Charset.forName(name.equalsIgnoreCase("cp65001") ? "UTF-8" : name);
      } catch (RuntimeException e) {
        // picocli falls back to the default charset too
      }
    }
    return new PrintWriter(new BufferedWriter(new OutputStreamWriter(stream, charset)), true);
  }
}
