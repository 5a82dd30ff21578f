package dev.cronloop.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.Engine;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LoopbackServer;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in Debian's headless Chromium, against a real engine with runs recorded in an
 * H2 file: it loads, shows every job with charts drawn from those runs, the recent failures and
 * the invalid job file, and logs no console error. Screenshots land in {@code target/}.
 */
@Tag("browser")
@Timeout(240)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusPageIT {
  /** Names of Debian's (and Ubuntu's) Chromium, looked up on the PATH. */
  static final List<String> CHROMIUM_NAMES = List.of("chromium", "chromium-browser");
  static Path chromium;
  static final String NEVER = "0 0 0 1 1 ? 2099";

  @TempDir static Path dir;
  private LoopbackServer target;
  private Engine engine;
  private String url;

  @BeforeAll
  void start() throws Exception {
    chromium = findChromium();
    target = LoopbackServer.start();
    Path jobs = dir.resolve("jobs");
    JobFiles.write(jobs, "api-health.yaml", """
        schedule: "*/30 * * * * ?"
        overlap: allow
        requests:
          - %s
          - %s
        """.formatted(target.url("/delay/15/a"), target.url("/delay/40/b")));
    JobFiles.write(jobs, "orders-sync.yaml", """
        schedule: "15 2 * * *"
        overlap: allow
        timeout: 300ms
        requests:
          - %s
          - %s
          - http://127.0.0.1:1/refused
        """.formatted(target.url("/ok"), target.url("/status/503")));
    JobFiles.write(jobs, "nightly-report.yaml", """
        schedule: "@daily"
        zone: Europe/Berlin
        overlap: allow
        requests:
          - %s
        """.formatted(target.url("/delay/80/report")));
    JobFiles.write(jobs, "idle.yaml", """
        schedule: "%s"
        enabled: false
        requests:
          - %s
        """.formatted(NEVER, target.url("/idle")));
    JobFiles.write(jobs, "legacy.yaml", """
        schedule: "%s"
        requests:
          - %s
        """.formatted(NEVER, target.url("/legacy")));
    JobFiles.write(jobs, "broken.yaml", """
        schedule: "*/70 * * * * ?"
        timout: 5s
        requests:
          - %s
        """.formatted(target.url("/never")));
    engine = Engine.builder()
        .jobs(jobs)
        .database("jdbc:h2:file:" + dir.resolve("db/cronloop"))
        .http(new InetSocketAddress("127.0.0.1", 0))
        .build();
    engine.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    for (int i = 0; i < 4; i++) {
      fire("api-health");
      fire("orders-sync");
      fire("nightly-report");
    }
    engine.pause("api-health").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    // legacy.yaml breaks after it loaded: its job keeps running its last good version, INVALID.
    JobFiles.write(jobs, "legacy.yaml", """
        schedule: "%s"
        requests:
          - %s
        retries: { max: lots }
        """.formatted(NEVER, target.url("/legacy")));
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.catalog().state("legacy")
        .map(s -> s.status() == dev.cronloop.definition.JobState.Status.INVALID).orElse(false));
    url = "http://127.0.0.1:" + engine.httpPort() + "/";
  }

  @AfterAll
  void stop() throws Exception {
    if (engine != null) {
      engine.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    if (target != null) {
      target.close();
    }
  }

  @Test
  void the_page_shows_every_job_with_charts_of_recorded_runs_failures_and_the_bad_file() throws Exception {
    Browser run = chromium("--dump-dom", url);

    String dom = run.stdout();
    assertThat(dom).as("page finished loading; stderr:%n%s", run.stderr()).contains("data-loaded=\"true\"");
    assertThat(dom).contains("data-job=\"api-health\"", "data-job=\"orders-sync\"",
        "data-job=\"nightly-report\"", "data-job=\"idle\"");
    assertThat(card(dom, "api-health")).contains(">paused<", "every 30 seconds", ">100 %<");
    assertThat(card(dom, "orders-sync")).contains("at 02:15", "PARTIAL", "class=\"bar-bad\"", "class=\"bar-ok\"");
    assertThat(card(dom, "nightly-report")).contains("every day at 00:00", "class=\"bar-lat\"");
    assertThat(card(dom, "idle")).contains(">disabled<", "no requests in 24 h");
    assertThat(card(dom, "legacy")).contains(">INVALID<", "legacy.yaml:4:", "last good version");
    assertThat(count(dom, "class=\"bar-lat\"")).isGreaterThanOrEqualTo(3);
    assertThat(count(dom, "class=\"bar-ok\"")).isGreaterThanOrEqualTo(3);
    assertThat(dom).contains("broken.yaml:2:1", "timout");
    assertThat(dom).contains("CONNECT_ERROR", "connection refused", "HTTP_ERROR");
  }

  @Test
  void the_page_logs_no_console_error_and_loads_nothing_from_outside() throws Exception {
    Browser run = chromium("--dump-dom", url);

    List<String> bad = new ArrayList<>();
    for (String line : run.stderr().split("\n")) {
      if (line.contains("CONSOLE") || line.contains("Uncaught") || line.contains("Failed to load resource")) {
        bad.add(line);
      }
    }
    assertThat(bad).as("console messages of the status page").isEmpty();
    assertThat(run.stdout()).doesNotContain("src=\"http", "href=\"http");
  }

  @Test
  void screenshots_on_a_laptop_and_a_phone_are_saved_under_target() throws Exception {
    Path laptop = Path.of("target/status-page.png").toAbsolutePath();
    Path phone = Path.of("target/status-page-phone.png").toAbsolutePath();
    Files.deleteIfExists(laptop);
    Files.deleteIfExists(phone);

    chromium("--screenshot=" + laptop, "--window-size=1280,900", url);
    chromium("--screenshot=" + phone, "--window-size=390,1400", "--force-device-scale-factor=1", url);

    assertThat(laptop).exists();
    assertThat(Files.size(laptop)).isGreaterThan(10_000);
    assertThat(phone).exists();
  }

  private void fire(String job) throws Exception {
    engine.fire(job).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** The markup of one job's card. */
  private static String card(String dom, String job) {
    int start = dom.indexOf("data-job=\"" + job + "\"");
    assertThat(start).as("card of " + job).isNotNegative();
    int end = dom.indexOf("</article>", start);
    return dom.substring(start, end);
  }

  private static int count(String text, String needle) {
    Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /**
   * Chromium from the PATH; missing, the test fails (never skips) and names the fix. {@code bash
   * .ci/test}, the README's test command, installs it first when run as root.
   */
  static Path findChromium() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String name : CHROMIUM_NAMES) {
      for (String folder : path.split(File.pathSeparator)) {
        Path candidate = Path.of(folder.isEmpty() ? "." : folder, name);
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    throw new AssertionError("the status page test needs Chromium: no " + String.join(" or ", CHROMIUM_NAMES)
        + " on the PATH (" + path + "); install it with: sudo apt-get update && sudo apt-get install -y chromium,"
        + " or run the tests with: bash .ci/test (installs it when run as root)");
  }

  /** What one headless Chromium run printed. */
  record Browser(String stdout, String stderr) {}

  /** Runs headless Chromium with a throwaway profile, letting the page run 6 s of virtual time. */
  private static Browser chromium(String... args) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(dir, "chromium");
    Path out = Files.createTempFile(dir, "chromium", ".out");
    Path err = Files.createTempFile(dir, "chromium", ".err");
    List<String> cmd = new ArrayList<>(List.of(
        chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-dev-shm-usage", "--hide-scrollbars",
        "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
        "--virtual-time-budget=6000"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 90 s:\n" + Files.readString(err));
    }
    Browser b = new Browser(Files.readString(out), Files.readString(err));
    assertThat(p.exitValue()).as("chromium exit status; stderr:%n%s", b.stderr()).isZero();
    return b;
  }
}
