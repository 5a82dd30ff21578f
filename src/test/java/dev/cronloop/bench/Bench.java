package dev.cronloop.bench;

import dev.cronloop.record.Database;
import dev.cronloop.testkit.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the benchmarks share: how cold and warm figures are taken. */
final class Bench {
  /**
   * Fires in a running engine before its figures count: enough for the JIT to have compiled the
   * path, as in a daemon that has been running (the CPU time per request stops falling after
   * about four fires of 50,000 requests).
   */
  static final int WARM_UP = 4;
  /** Fires whose median is the warm figure. */
  static final int MEASURED = 5;
  /** Fresh {@code cronloop fire} processes whose median is the cold figure. */
  static final int COLD = 3;

  private Bench() {}

  /**
   * The cold figure of {@code job}: the median {@code durationMs} of {@link #COLD} fresh {@code
   * target/cronloop fire} processes, each on a new database under {@code dir}, created (migrated)
   * beforehand as {@code run} would have.
   */
  static long coldFire(Path jobs, Path dir, String job) throws Exception {
    long[] millis = new long[COLD];
    for (int i = 0; i < millis.length; i++) {
      String db = "jdbc:h2:file:" + dir.resolve("cold-" + i + "/cronloop");
      Database.open(db, 1).close(); // fire opens only a database that exists, as after `run`
      try (ChildProcess child = ChildProcess.cronloop("fire", job, "--jobs", jobs.toString(), "--db", db)) {
        int exit = child.waitFor(Duration.ofMinutes(5));
        String out = child.output();
        Matcher m = Pattern.compile("\"durationMs\":(\\d+)").matcher(out);
        if (exit != 0 || !m.find()) {
          throw new IllegalStateException("cold fire exited " + exit + ":\n" + out);
        }
        millis[i] = Long.parseLong(m.group(1));
      }
    }
    return median(millis);
  }

  static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
