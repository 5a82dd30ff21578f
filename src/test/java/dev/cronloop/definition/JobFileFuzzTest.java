package dev.cronloop.definition;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Hostile job files: thousands of mutations of valid files (fixed seed) fed to the parser. Each
 * must come back as jobs or located problems, within a time bound, never as an exception.
 */
class JobFileFuzzTest {
  private static final long SEED = 20261123L;
  private static final int CASES = 4_000;

  private static final List<String> VALID = List.of(
      """
      name: api-health
      schedule: "*/30 * * * * ?"
      zone: Europe/Berlin
      concurrency: 5
      overlap: queue
      misfire: skip
      spread: 30s
      timeout: 2s
      retries: { max: 2, backoff: 200ms }
      headers: { Authorization: "Bearer ${TOKEN}" }
      expect: { status: "200-299", maxLatency: 800ms, bodyContains: "ok" }
      requests:
        - https://example.org/a
        - url: https://example.org/b
          method: POST
          body: '{"x": 1}'
          expect: { status: [200, 201] }
      """,
      """
      schedule: "0 5 * * mon-fri"
      requests: [http://127.0.0.1:8080/health, "http://127.0.0.1:8080/ready?x=${MISSING:-1}"]
      ---
      name: second
      schedule: "@every 90s"
      requests: [http://127.0.0.1:8080/b]
      """,
      "{\"schedule\": \"@hourly\", \"requests\": [\"https://example.org\"], \"enabled\": false}");

  private static final String[] TOKENS = {
    ":", "-", " ", "\n", "\t", "\"", "'", "{", "}", "[", "]", "#", "&a", "*a", "!!binary", "${",
    "${X", "}", "---", "...", "? ", "|", ">", "\\u0000", "%", "@", "`", "0x", "-1", "99999999999",
    "L", "W", "#", "/", "*", "?", "\u00e9", "\ud83d\ude00", "<<: *a", "~", "null", "true", "1e9"
  };

  @Test
  void mutated_job_files_never_crash_hang_or_lose_their_place() throws Exception {
    Random random = new Random(SEED);
    JobFileParser parser = JobFileParser.withEnv(Map.of("TOKEN", "s3cret-token"));
    ExecutorService worker = Executors.newSingleThreadExecutor();
    try {
      for (int i = 0; i < CASES; i++) {
        String base = VALID.get(random.nextInt(VALID.size()));
        String text = mutate(base, random);
        Path file = Path.of("fuzz-" + i + (base.startsWith("{") ? ".json" : ".yaml"));
        Future<JobFileParser.Result> result = worker.submit(() -> parser.parse(file, text));

        JobFileParser.Result r = result.get(5, TimeUnit.SECONDS);

        assertThat(r.jobs().isEmpty() && r.problems().isEmpty())
            .as("case %d gave neither a job nor a problem:%n%s", i, text).isFalse();
        for (Problem p : r.problems()) {
          assertThat(p.file()).isEqualTo(file);
          assertThat(p.line()).as("case %d: %s", i, p).isGreaterThanOrEqualTo(0);
          assertThat(p.column()).as("case %d: %s", i, p).isGreaterThanOrEqualTo(0);
          assertThat(p.message()).as("case %d", i).isNotBlank().doesNotContain("s3cret-token")
              .doesNotContain("Exception").doesNotContain("\tat ");
        }
      }
    } finally {
      worker.shutdownNow();
    }
  }

  /** One to four edits: insert a token, delete a span, duplicate a line, or swap two lines. */
  private static String mutate(String text, Random random) {
    StringBuilder sb = new StringBuilder(text);
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits && sb.length() > 0; e++) {
      int at = random.nextInt(sb.length());
      switch (random.nextInt(4)) {
        case 0 -> sb.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
        case 1 -> sb.delete(at, Math.min(sb.length(), at + 1 + random.nextInt(12)));
        case 2 -> {
          int start = sb.lastIndexOf("\n", at) + 1;
          int end = sb.indexOf("\n", at);
          if (end > start) {
            sb.insert(end + 1, sb.substring(start, end + 1));
          }
        }
        default -> {
          String[] lines = sb.toString().split("\n", -1);
          int a = random.nextInt(lines.length);
          int b = random.nextInt(lines.length);
          String t = lines[a];
          lines[a] = lines[b];
          lines[b] = t;
          sb.setLength(0);
          sb.append(String.join("\n", lines));
        }
      }
    }
    return sb.toString();
  }
}
