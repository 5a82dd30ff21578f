package dev.cronloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No test sleeps more than 200 ms in total: tests drive time (a {@code TestClock}, an engine
 * clock) or wait for events (Awaitility {@code until}), they do not wait for the wall clock.
 *
 * <p>Scans {@code src/test/java} for fixed waits: {@code Thread.sleep}, {@code TimeUnit.X.sleep},
 * a call of a method whose name starts with {@code sleep}, Awaitility's {@code pollDelay} and
 * {@code during}. Each must have a literal bound, and the bounds of one file add up to at most
 * {@link #BUDGET_MS}. Awaitility's {@code atMost} is a timeout, an upper bound that an event ends
 * early, so it is not counted. Left out: {@code bench/} (benchmarks measure real time) and process
 * tests ({@code *IT}), where a real process is the point. A fixed wait that is not a test waiting
 * is listed in {@link #NOT_WAITING} with the reason; a new one fails here.
 *
 * <p>What the scan cannot see: a sleep inside a loop counts once.
 */
class SleepBudgetTest {
  static final long BUDGET_MS = 200;
  private static final Path ROOT = Path.of("src/test/java");
  private static final Pattern FIXED_WAIT = Pattern.compile(
      "(Thread\\.sleep|TimeUnit\\.\\w+\\.sleep|\\bsleep\\w*|\\.pollDelay|\\.during)\\s*\\(");
  private static final Pattern LITERAL = Pattern.compile(
      "\\s*(?:Duration\\.of(Millis|Seconds)\\()?\\s*([0-9][0-9_]*)L?\\s*\\)?\\s*\\)");

  /**
   * Fixed waits that are not a test waiting for time to pass, by file and code: a peer playing
   * slow, a poll interval of a loop that ends on a condition, a blocked loop that is the subject.
   */
  private static final Map<String, String> NOT_WAITING = Map.ofEntries(
      Map.entry("fetch/HostileTargetsTest.java: Thread.sleep(300);", "a slowloris target trickling its status line"),
      Map.entry("fetch/HostileTargetsTest.java: Thread.sleep(100);", "a slowloris target trickling its body"),
      Map.entry("fetch/HostileTargetsTest.java: Thread.sleep(200);", "a target pausing mid-body before a reset"),
      Map.entry("fetch/HostileTargetsTest.java: Thread.sleep(5_000);", "a non-HTTP target holding its socket; the fetch ends first"),
      Map.entry("fetch/HostileTargetsTest.java: Thread.sleep(30_000);", "a target that never answers; the fetch times out first"),
      Map.entry("fetch/HostileTargetsTest.java: fetching.vertx.runOnContext(v -> sleepOnLoop(700));",
          "blocks the loop on purpose: the blocked-thread guard is the subject"),
      Map.entry("fetch/HostileTargetsTest.java: Thread.sleep(ms);", "the body of sleepOnLoop"),
      Map.entry("FairnessTest.java: Thread.sleep(50); // sampling the server's load, not waiting for an event",
          "a sampling interval of a loop that ends with the run"),
      Map.entry("testkit/EngineInvariants.java: Thread.sleep(50); // threads end asynchronously; there is no event to wait for",
          "a poll interval of a loop that ends when the threads have ended"),
      Map.entry("testkit/PostgresServer.java: Thread.sleep(100);", "a poll interval of a loop that ends when the server answers"),
      Map.entry("testkit/Nginx.java: Thread.sleep(50);", "a poll interval of a loop that ends when nginx answers"),
      Map.entry("testkit/ClusterNodes.java: Thread.sleep(ms);",
          "the body of sleepUntil, which only the cluster process tests (*IT) call to run a schedule for a span of wall time"));

  @Test
  void no_test_class_waits_more_than_200_ms_of_fixed_time() throws IOException {
    Map<String, Long> waitedMs = new TreeMap<>();
    List<String> unbounded = new ArrayList<>();
    List<String> listed = new ArrayList<>();

    for (Path file : testSources()) {
      String name = ROOT.resolve("dev/cronloop").relativize(file).toString().replace('\\', '/');
      for (String line : Files.readAllLines(file)) {
        String code = line.strip();
        Matcher m = FIXED_WAIT.matcher(code);
        if (code.startsWith("//") || code.startsWith("*") || code.matches(".*\\bvoid\\s+sleep\\w*\\(.*") || !m.find()) {
          continue;
        }
        String key = name + ": " + code;
        if (NOT_WAITING.containsKey(key)) {
          listed.add(key);
          continue;
        }
        Matcher literal = LITERAL.matcher(code.substring(m.end()));
        if (!literal.lookingAt()) {
          unbounded.add(key);
          continue;
        }
        long n = Long.parseLong(literal.group(2).replace("_", ""));
        long ms = "Seconds".equals(literal.group(1)) ? n * 1000 : n;
        waitedMs.merge(name, ms, Long::sum);
      }
    }

    assertThat(unbounded).as("fixed waits without a literal bound: drive time or wait for an event").isEmpty();
    assertThat(waitedMs).as("fixed waits per test file, in ms").allSatisfy((file, ms) ->
        assertThat(ms).as(file).isLessThanOrEqualTo(BUDGET_MS));
    assertThat(NOT_WAITING.keySet()).as("entries of NOT_WAITING still in the code").hasSameElementsAs(
        listed.stream().distinct().toList());
  }

  private static List<Path> testSources() throws IOException {
    try (Stream<Path> files = Files.walk(ROOT)) {
      return files.filter(f -> f.toString().endsWith(".java"))
          .filter(f -> !f.toString().contains("/bench/") && !f.getFileName().toString().endsWith("IT.java"))
          .filter(f -> !f.getFileName().toString().equals("SleepBudgetTest.java"))
          .sorted().toList();
    }
  }
}
