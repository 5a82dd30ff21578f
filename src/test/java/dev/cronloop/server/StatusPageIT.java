package dev.cronloop.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.Engine;
import dev.cronloop.definition.JobState;
import dev.cronloop.testkit.Chromium;
import dev.cronloop.testkit.EngineWithApi;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LoopbackServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in Debian's headless Chromium, driven over the DevTools protocol, against a real
 * engine with runs recorded in an H2 file and a token on its mutating calls: history strips match
 * the recorded runs, a run's view lists its failed requests with their reasons, Run now, Pause and
 * Resume work through the token the page asks for once, an INVALID card names FILE:LINE:COL, the
 * filters hide what they should, the keyboard reaches a run, and nothing comes from outside
 * loopback. Screenshots land in {@code target/}.
 */
@Tag("browser")
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusPageIT {
  static final String NEVER = EngineWithApi.NEVER;
  static final String TOKEN = "status-page-token-0123456789";
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir static Path dir;
  private EngineWithApi<LoopbackServer> app;
  private Engine engine;
  private Chromium browser;
  private Http http;
  private String url;

  @BeforeAll
  void start() throws Exception {
    Chromium.find();
    app = EngineWithApi.in(dir).token(TOKEN);
    LoopbackServer target = app.target();
    Path jobs = app.jobs();
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
    JobFiles.write(jobs, "ticker.yaml", """
        schedule: "* * * * * ?"
        requests:
          - %s
        """.formatted(target.url("/tick")));
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
    engine = app.start();
    for (int i = 0; i < 4; i++) {
      app.fire("api-health");
      app.fire("orders-sync");
      app.fire("nightly-report");
    }
    app.await(engine.pause("api-health"));
    // legacy.yaml breaks after it loaded: its job keeps running its last good version, INVALID.
    JobFiles.write(jobs, "legacy.yaml", """
        schedule: "%s"
        requests:
          - %s
        retries: { max: lots }
        """.formatted(NEVER, target.url("/legacy")));
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.catalog().state("legacy")
        .map(s -> s.status() == JobState.Status.INVALID).orElse(false));
    url = app.url() + "/";
    http = new Http(app.url());
    browser = Chromium.start(dir);
  }

  @AfterAll
  void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (app != null) {
      app.close();
    }
  }

  @Test
  void history_strips_match_the_recorded_runs_in_count_order_and_status() throws Exception {
    for (String job : List.of("orders-sync", "nightly-report", "api-health")) {
      // A run may end, or a paused fire be recorded, between the read and the page's load: then
      // the page is opened again, until both saw the same rows.
      await().atMost(WAIT).untilAsserted(() -> {
        open("");
        assertThat(strip(job)).as("strip of " + job + ", oldest left").isEqualTo(String.join(",", recordedRuns(job)));
      });

      assertThat(recordedRuns(job)).as("runs of " + job).hasSizeGreaterThanOrEqualTo(4);
    }
    String bar = browser.text("document.querySelector('[data-job=\"orders-sync\"] [data-run]').getAttribute('aria-label')");
    assertThat(bar).contains("PARTIAL", "1/3 ok", "fired ");
    assertThat(browser.text("document.querySelector('[data-job=\"orders-sync\"] [data-run]').getAttribute('href')"))
        .startsWith("#/runs/");
    assertThat(browser.text("document.querySelector('[data-job=\"nightly-report\"] .uptime').textContent"))
        .contains("24 h", "7 d", "30 d");
    await().atMost(WAIT).until(() -> browser.eval("document.querySelectorAll('[data-job=\"orders-sync\"] .uplot').length")
        .equals(2));
  }

  @Test
  void the_run_view_lists_the_failed_requests_with_their_reasons_sorted_and_filtered() throws Exception {
    long run = http.get("/api/runs?job=orders-sync&limit=1").json().getJsonArray("runs").getJsonObject(0).getLong("id");

    open("#/runs/" + run);
    await().atMost(WAIT).until(() -> browser.eval("document.querySelectorAll('[data-fetch]').length").equals(3));

    String rows = browser.text("[...document.querySelectorAll('[data-fetch]')].map(r => r.dataset.outcome + ' ' + r.textContent).join('\\n')");
    assertThat(rows).contains("CONNECT_ERROR", "connection refused", "HTTP_ERROR", "503", "/refused");
    browser.eval("(() => { const s = document.getElementById('outcome-filter'); s.value = 'CONNECT_ERROR';"
        + " s.dispatchEvent(new Event('change')); })()");
    assertThat(browser.text("[...document.querySelectorAll('[data-fetch]')].map(r => r.dataset.outcome).join(',')"))
        .isEqualTo("CONNECT_ERROR");
    browser.eval("(() => { const s = document.getElementById('outcome-filter'); s.value = '';"
        + " s.dispatchEvent(new Event('change')); document.querySelector('[data-sort=url]').click(); })()");
    String urls = browser.text("[...document.querySelectorAll('[data-fetch] td:first-child')].map(c => c.textContent).join('\\n')");
    assertThat(urls.split("\n")).isSorted();
    assertThat(browser.text("document.querySelector('th[aria-sort=ascending]').textContent")).contains("URL");
    browser.screenshot(Path.of("target/status-page-run.png"), 1280, 900);
  }

  @Test
  void run_now_asks_for_the_token_once_keeps_it_in_the_tab_and_creates_a_manual_run() throws Exception {
    open("");
    browser.eval("sessionStorage.clear()");

    click("nightly-report", "trigger");
    await().atMost(WAIT).until(() -> Boolean.TRUE.equals(browser.eval("document.getElementById('token-dialog').open")));
    browser.eval("(() => { document.getElementById('token-input').value = '" + TOKEN + "';"
        + " document.querySelector('#token-dialog button[value=ok]').click(); })()");
    String first = awaitResult("nightly-report", "started");
    click("nightly-report", "trigger");
    await().atMost(WAIT).until(() -> !first.equals(result("nightly-report")) && result("nightly-report").contains("started"));

    long run = Long.parseLong(result("nightly-report").replaceAll("\\D*(\\d+) started.*", "$1"));
    assertThat(http.get("/api/runs/" + run).json().getString("trigger")).isEqualTo("MANUAL");
    assertThat(browser.eval("document.getElementById('token-dialog').open")).isEqualTo(false);
    assertThat(browser.text("sessionStorage.getItem('cronloop.token')")).isEqualTo(TOKEN);
    assertThat(browser.eval("localStorage.length")).isEqualTo(0);
    await().atMost(WAIT).until(() -> browser.text("[...document.querySelectorAll('[data-job=\"nightly-report\"] [data-run]')]"
        .concat(".map(b => b.dataset.run).join(',')")).contains(String.valueOf(run)));
  }

  @Test
  void pause_shows_the_job_paused_and_its_next_fire_is_skipped_and_resume_undoes_it() throws Exception {
    open("");
    browser.eval("sessionStorage.setItem('cronloop.token', '" + TOKEN + "')");

    click("ticker", "pause");
    awaitResult("ticker", "paused");
    await().atMost(WAIT).until(() -> "paused".equals(browser.text("document.querySelector('[data-job=\"ticker\"]').dataset.state")));
    await().atMost(WAIT).until(() -> skipped("ticker") != null);
    long skipped = skipped("ticker");
    await().atMost(WAIT).until(() -> browser.text("document.querySelector('[data-run=\"" + skipped + "\"]')?.dataset.status")
        .equals("SKIPPED"));

    assertThat(browser.text("document.querySelector('[data-run=\"" + skipped + "\"]').getAttribute('aria-label')"))
        .contains("SKIPPED", "paused by API");
    click("ticker", "resume");
    awaitResult("ticker", "resumed");
    await().atMost(WAIT).until(() -> "scheduled".equals(browser.text("document.querySelector('[data-job=\"ticker\"]').dataset.state")));
  }

  @Test
  void an_invalid_card_names_file_line_and_column() throws Exception {
    open("");

    String legacy = browser.text("document.querySelector('[data-job=\"legacy\"]').textContent");
    assertThat(legacy).contains("INVALID", "last good version").containsPattern("legacy\\.yaml:4:\\d+: ");
    assertThat(browser.text("document.getElementById('problems').textContent")).contains("broken.yaml:2:1", "timout");
  }

  @Test
  void the_state_filters_and_the_search_hide_what_they_should() throws Exception {
    open("");

    assertThat(shownAfter("state", "paused")).containsExactly("api-health");
    assertThat(shownAfter("state", "invalid")).containsExactly("legacy");
    assertThat(shownAfter("state", "disabled")).containsExactly("idle");
    assertThat(shownAfter("state", "failing")).containsExactly("orders-sync");
    assertThat(shownAfter("state", "")).contains("api-health", "idle", "legacy", "nightly-report", "orders-sync", "ticker");
    assertThat(shownAfter("search", "night")).containsExactly("nightly-report");
    assertThat(browser.text("document.getElementById('range').textContent")).isEqualTo("1–1 of 1");
    assertThat(shownAfter("search", "")).hasSize(6);
    assertThat(browser.text("document.title")).isEqualTo("(1 failing) cronloop");
    assertThat(browser.text("document.querySelector('[data-failures=\"orders-sync\"]').textContent"))
        .contains("orders-sync").containsAnyOf("HTTP_ERROR", "CONNECT_ERROR"); // the newest of a run's failures
    assertThat(browser.text("document.querySelector('[data-failures=\"orders-sync\"] td:nth-child(2)').textContent"))
        .as("failed requests of orders-sync, grouped in one row").isEqualTo("8");
  }

  @Test
  void the_filter_search_and_page_live_in_the_url_so_reload_and_back_keep_them() throws Exception {
    open("");
    shownAfter("state", "failing");
    String filtered = browser.text("location.hash");

    open(filtered); // a reload: a new document from the same URL
    List<String> reloaded = cards();
    String checked = browser.text("document.querySelector('#states input:checked').value");
    shownAfter("state", "paused");
    browser.eval("history.back()");
    await().atMost(WAIT).until(() -> browser.text("document.getElementById('jobs').dataset.query").contains("state=failing")
        && cards().equals(List.of("orders-sync")));
    String checkedAfterBack = browser.text("document.querySelector('#states input:checked').value");
    open("#/?q=night&offset=24");

    assertThat(filtered).isEqualTo("#/?state=failing");
    assertThat(reloaded).containsExactly("orders-sync");
    assertThat(checked).isEqualTo("failing");
    assertThat(checkedAfterBack).isEqualTo("failing");
    assertThat(browser.text("document.getElementById('search').value")).isEqualTo("night");
    assertThat(browser.text("document.getElementById('jobs').dataset.query")).contains("offset=24", "q=night");
  }

  @Test
  void the_keyboard_reaches_a_run_from_its_bar() throws Exception {
    open("");

    browser.eval("document.querySelector('[data-job=\"orders-sync\"] [data-run]').focus()");
    browser.press("Enter", 13);

    await().atMost(WAIT).until(() -> browser.text("location.hash").startsWith("#/runs/")
        && Boolean.FALSE.equals(browser.eval("document.getElementById('run-view').hidden")));
    await().atMost(WAIT).until(() -> browser.text("document.activeElement.id").equals("run-view"));
  }

  @Test
  void the_page_logs_no_error_and_loads_nothing_from_outside_loopback() throws Exception {
    browser.problems.clear();
    browser.requested.clear();

    open("");
    open("#/runs/1");
    await().atMost(WAIT).until(() -> browser.eval("document.querySelectorAll('#run-view h2').length").equals(1));

    assertThat(browser.problems).as("console errors, exceptions and failed loads").isEmpty();
    assertThat(browser.requested).as("requests").isNotEmpty();
    assertThat(browser.requestedOutside(url)).isEmpty();
    assertThat(browser.requested).anyMatch(u -> u.endsWith("/vendor/uplot/uPlot.iife.min.js"));
  }

  @Test
  void screenshots_light_dark_and_phone_are_saved_under_target() throws Exception {
    Path laptop = Path.of("target/status-page.png").toAbsolutePath();
    Path dark = Path.of("target/status-page-dark.png").toAbsolutePath();
    Path phone = Path.of("target/status-page-phone.png").toAbsolutePath();
    for (Path p : List.of(laptop, dark, phone)) {
      Files.deleteIfExists(p);
    }

    open("");
    browser.screenshot(laptop, 1280, 900);
    browser.screenshot(phone, 390, 1400);
    browser.call("Emulation.setEmulatedMedia", new JsonObject().put("features",
        new JsonArray().add(new JsonObject().put("name", "prefers-color-scheme").put("value", "dark"))));
    String background = browser.text("getComputedStyle(document.documentElement).backgroundColor");
    browser.screenshot(dark, 1280, 900);
    browser.call("Emulation.setEmulatedMedia", new JsonObject().put("features", new JsonArray()));

    assertThat(Files.size(laptop)).isGreaterThan(10_000);
    assertThat(Files.size(phone)).isGreaterThan(10_000);
    assertThat(Files.size(dark)).isGreaterThan(10_000);
    assertThat(background).isEqualTo("rgb(20, 23, 29)");
  }

  /** The bars of a job's strip as {@code id:STATUS}, left to right. */
  private String strip(String job) throws Exception {
    return browser.text("[...document.querySelectorAll('[data-job=\"" + job + "\"] [data-run]')]"
        + ".map(b => b.dataset.run + ':' + b.dataset.status).join(',')");
  }

  /** The job's newest 50 rows of {@code runs}, oldest first, read straight from the H2 file. */
  private List<String> recordedRuns(String job) throws Exception {
    // The engine opens its H2 file in mixed mode (AUTO_SERVER), so a second process or reader may.
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(
            app.database() + ";AUTO_SERVER=TRUE");
        PreparedStatement s = c.prepareStatement(
            "SELECT id, status FROM runs WHERE job_id = ? ORDER BY id DESC LIMIT 50")) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          rows.add(0, rs.getLong("id") + ":" + rs.getString("status"));
        }
      }
    }
    return rows;
  }

  /** Opens the page afresh (a new document, so a previous load does not count) and waits for it. */
  private void open(String hash) throws Exception {
    browser.navigate("about:blank");
    await().atMost(WAIT).until(() -> browser.text("location.href").equals("about:blank"));
    browser.navigate(url + hash);
    await().atMost(WAIT).until(() -> "true".equals(browser.text("document.body && document.body.dataset.loaded")));
  }

  private void click(String job, String action) throws Exception {
    browser.eval("document.querySelector('[data-job=\"" + job + "\"] [data-action=\"" + action + "\"]').click()");
  }

  private String result(String job) throws Exception {
    return browser.text("document.querySelector('[data-result=\"" + job + "\"]')?.textContent || ''");
  }

  private String awaitResult(String job, String text) throws Exception {
    await().atMost(WAIT).until(() -> result(job).contains(text));
    return result(job);
  }

  /** The newest SKIPPED run of a job that a pause held back, or null. */
  private Long skipped(String job) throws Exception {
    JsonArray runs = http.get("/api/runs?job=" + job + "&status=skipped&limit=1").json().getJsonArray("runs");
    return runs.isEmpty() || !runs.getJsonObject(0).getString("reason", "").contains("paused")
        ? null : runs.getJsonObject(0).getLong("id");
  }

  /** The job cards shown after choosing a state filter or typing a search. */
  private List<String> shownAfter(String control, String value) throws Exception {
    String param = control.equals("state") ? "state" : "q";
    if (control.equals("state")) {
      browser.eval("document.querySelector('#states input[value=\"" + value + "\"]').click()");
    } else {
      browser.eval("(() => { const s = document.getElementById('search'); s.value = '" + value + "';"
          + " s.dispatchEvent(new Event('input')); })()");
    }
    await().atMost(WAIT).until(() -> {
      String query = browser.text("document.getElementById('jobs').dataset.query");
      return value.isEmpty() ? !query.contains(param + "=") : query.contains(param + "=" + value);
    });
    return cards();
  }

  /** The ids of the job cards shown, in order. */
  private List<String> cards() throws Exception {
    return List.of(browser.text("[...document.querySelectorAll('[data-job]')].map(c => c.dataset.job).join(',')").split(","));
  }
}
