package dev.cronloop.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus's {@code promtool check metrics} on a scrape. promtool comes with Debian's
 * {@code prometheus} package, which {@code bash .ci/test} installs when it is missing; without it
 * the test fails and says so, never skips.
 */
final class Promtool {
  /** What promtool said (its lint problems, one a line) and its exit code. */
  record Result(int exitCode, String output) {}

  private Promtool() {}

  static Result checkMetrics(String exposition) throws IOException, InterruptedException {
    Path promtool = find();
    Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(exposition.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("promtool check metrics did not end within 30 s");
    }
    return new Result(p.exitValue(), out);
  }

  private static Path find() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path candidate = Path.of(dir, "promtool");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError("promtool is not installed: this test lints /metrics with it. Install"
        + " Debian's prometheus package (apt-get install -y --no-install-recommends prometheus),"
        + " or run the tests with bash .ci/test, which installs it");
  }
}
