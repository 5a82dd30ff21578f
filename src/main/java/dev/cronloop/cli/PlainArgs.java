package dev.cronloop.cli;

import java.io.BufferedWriter;
import java.io.File;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Runs {@code cronloop next}, {@code validate} and {@code fire} without picocli when their
 * arguments are plain: the command name first, then only the command's own options, each once and
 * with its value as the next word, and the command's own positional words ({@code next}'s
 * expression, {@code fire}'s job). Anything else, such as help, a misspelt or repeated option, a
 * missing value, {@code --count=3}, {@code --verbose}, or an {@code @file} picocli would expand,
 * returns null, and picocli parses the same words as before and says what is wrong in its own
 * words; so does a failure of {@code next} or {@code validate}, which picocli runs again. What is
 * printed and the exit code are those of the command classes, which these words reach with the
 * values picocli would have given them; {@code fire}, which must not run twice, prints its own
 * failures as picocli's handlers in {@link Main} do.
 *
 * <p>Why: these commands take a few tenths of a second, and a good part of it was picocli. Its
 * classes are compiled for Java 5, which the class-data archive cannot hold, so each start loads
 * and verifies them from the jar; and it builds its command tree by reflection before it looks at
 * the first word (src/docs/benchmarks.md, "One-off start-up").
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
        case "fire" -> fire(args, out, err);
        default -> null;
      };
    } catch (RuntimeException e) {
      return null; // picocli runs it again and reports the failure as for any command
    }
  }

  private static Integer next(String[] args, PrintWriter out, PrintWriter err) {
    Words words = Words.read(args, Set.of("--from", "--zone", "--spread", "--id", "--count"), Set.of());
    if (words == null || words.positional.size() != 1) {
      return null;
    }
    NextCommand next = new NextCommand();
    next.expression = words.positional.get(0);
    next.from = words.options.get("--from");
    next.zone = words.options.getOrDefault("--zone", next.zone);
    next.spread = words.options.get("--spread");
    next.id = words.options.get("--id");
    String count = words.options.get("--count");
    if (count != null) {
      if (!COUNT.matcher(count).matches()) {
        return null;
      }
      next.count = Integer.parseInt(count);
    }
    return next.call(out, err);
  }

  private static Integer validate(String[] args, PrintWriter out) {
    Words words = Words.read(args, Set.of("--jobs"), Set.of("--json"));
    if (words == null || !words.positional.isEmpty()) {
      return null;
    }
    ValidateCommand validate = new ValidateCommand();
    validate.json = words.flags.contains("--json");
    String jobs = words.options.get("--jobs");
    if (jobs != null) {
      validate.jobs = path(jobs);
      if (validate.jobs == null) {
        return null;
      }
    }
    return validate.call(out);
  }

  /**
   * {@code fire JOB [--jobs DIR] [--db JDBC_URL]}. Once the words are read it never leaves the
   * line to picocli, which would fire the job again: the command prints its own failures as
   * picocli's handlers would ({@link FireCommand#call(PrintWriter, PrintWriter)}).
   */
  private static Integer fire(String[] args, PrintWriter out, PrintWriter err) {
    Words words = Words.read(args, Set.of("--jobs", "--db"), Set.of());
    if (words == null || words.positional.size() != 1) {
      return null;
    }
    FireCommand fire = new FireCommand();
    fire.job = words.positional.get(0);
    fire.jobs = new JobsOption();
    fire.db = new DbOption();
    String jobs = words.options.get("--jobs");
    if (jobs != null) {
      fire.jobs.dir = path(jobs);
      if (fire.jobs.dir == null) {
        return null;
      }
    }
    fire.db.url = words.options.getOrDefault("--db", fire.db.url);
    return fire.call(out, err);
  }

  /** A path as picocli converts it, or null where picocli would report a bad value. */
  private static Path path(String word) {
    try {
      return Path.of(word);
    } catch (InvalidPathException e) {
      return null;
    }
  }

  /** The words after a command's name: its options' values, its flags and the other words. */
  private static final class Words {
    final Map<String, String> options = new HashMap<>();
    final Set<String> flags = new HashSet<>();
    final List<String> positional = new ArrayList<>();

    /**
     * The words of {@code args} after the first, or null unless they are plain: each word literal,
     * each option one of {@code valued} (its value the next word, not an option) or {@code flags},
     * and none given twice.
     */
    static Words read(String[] args, Set<String> valued, Set<String> flags) {
      Words words = new Words();
      for (int i = 1; i < args.length; i++) {
        String word = args[i];
        if (!literal(word)) {
          return null;
        }
        if (!word.startsWith("-")) {
          words.positional.add(word);
        } else if (flags.contains(word)) {
          if (!words.flags.add(word)) {
            return null;
          }
        } else if (!valued.contains(word) || words.options.containsKey(word) || i + 1 == args.length
            || !literal(args[i + 1]) || args[i + 1].startsWith("-")) {
          return null;
        } else {
          words.options.put(word, args[++i]);
        }
      }
      return words;
    }
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
