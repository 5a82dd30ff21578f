package dev.cronloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.record.Database;
import dev.cronloop.testkit.ChildProcess;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.Receiver;
import dev.cronloop.testkit.Receiver.Received;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cronloop run} as a child process, killed with SIGKILL after a failure transition was
 * recorded and while its notice hangs on the way to the channel: the next start delivers it, once
 * by its {@code Idempotency-Key}. The channel's {@code ${VAR}} secrets reach the channel and
 * nowhere else: not the log, the API or the H2 file.
 */
@Timeout(240)
class NotifyCrashIT {
  private static final String TOKEN = "tok-7d1f0c55e2b94a6b";
  private static final String PATH_SECRET = "path-c0ffee4242";

  @TempDir Path dir;

  @Test
  void kill_9_between_transition_and_delivery_delivers_the_notice_once_after_restart() throws Exception {
    try (Receiver receiver = Receiver.start()) {
      Path jobs = dir.resolve("jobs");
      JobFiles.write(jobs, "channels.yaml", """
          channels:
            ops: { webhook: "%s/${HOOK_PATH}", headers: { Authorization: "Bearer ${HOOK_TOKEN}" } }
          """.formatted(receiver.url("/hook")));
      JobFiles.write(jobs, "down.yaml", """
          schedule: "* * * * * ?"
          notify: { channels: [ops] }
          requests: [ "%s" ]
          """.formatted(receiver.url("/t/down")));
      receiver.answer("/t/down", 500).answer("/hook", 0); // the first delivery hangs
      String db = "jdbc:h2:file:" + dir.resolve("db/cronloop");
      StringBuilder logs = new StringBuilder();

      try (ChildProcess first = cronloop(jobs, db)) {
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.at("/hook").size() == 1);
        first.kill();
        first.waitFor(Duration.ofSeconds(10));
        logs.append(first.output());
      }
      // The killed process's H2 lock file may hold the file for a moment (H2 checks it is stale).
      await().atMost(Duration.ofSeconds(20))
          .until(() -> count(db, "SELECT COUNT(*) FROM notices WHERE status = 'PENDING'") >= 0);
      assertThat(count(db, "SELECT COUNT(*) FROM notices WHERE status = 'PENDING'")).isEqualTo(1);

      receiver.answer("/hook", 200);
      String api;
      try (ChildProcess second = cronloop(jobs, db)) {
        // The test reads the file only once the engine holds it: a read while the engine is still
        // opening it would take the file first, and the engine would find it locked.
        second.awaitOutput("cronloop started", Duration.ofSeconds(60));
        try {
          // A missed first sweep is caught by the next one (every 30 s), and retries back off.
          await().atMost(Duration.ofSeconds(120))
              .until(() -> count(db, "SELECT COUNT(*) FROM notices WHERE status = 'DELIVERED'") == 1);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          throw new AssertionError("the notice was not delivered after restart; notices "
              + count(db, "SELECT COUNT(*) FROM notices WHERE status = 'PENDING'") + " pending, "
              + count(db, "SELECT COUNT(*) FROM notices WHERE status = 'FAILED'") + " failed, "
              + count(db, "SELECT COUNT(*) FROM notifications") + " attempts; hooks received "
              + receiver.at("/hook").size() + "; the second process said:\n" + second.output(), e);
        }
        api = get(port(second.output()), "/api/jobs/down");
        second.signalTerm();
        assertThat(second.waitFor(Duration.ofSeconds(60))).as(second.output()).isZero();
        logs.append(second.output());
      }

      List<Received> hooks = receiver.at("/hook");
      assertThat(hooks.stream().map(h -> h.headers().get("Idempotency-Key")).distinct()).hasSize(1);
      assertThat(hooks.get(hooks.size() - 1).path()).isEqualTo("/hook/" + PATH_SECRET);
      assertThat(hooks.get(hooks.size() - 1).headers().get("Authorization")).isEqualTo("Bearer " + TOKEN);
      assertThat(hooks.get(hooks.size() - 1).json().getString("event")).isEqualTo("failure");
      assertThat(count(db, "SELECT COUNT(*) FROM notices")).isEqualTo(1);
      assertThat(api).contains("\"state\":\"failing\"").contains("\"lastNotice\"");

      byte[] h2 = Files.readAllBytes(dir.resolve("db/cronloop.mv.db"));
      String h2Text = new String(h2, StandardCharsets.ISO_8859_1);
      for (String secret : List.of(TOKEN, PATH_SECRET)) {
        assertThat(logs.toString()).as("log").doesNotContain(secret);
        assertThat(api).as("API").doesNotContain(secret);
        assertThat(h2Text).as("H2 file").doesNotContain(secret);
      }
    }
  }

  private ChildProcess cronloop(Path jobs, String db) throws Exception {
    return ChildProcess.cronloop(Map.of("HOOK_TOKEN", TOKEN, "HOOK_PATH", PATH_SECRET),
        "run", "--jobs", jobs.toString(), "--db", db, "--http", "127.0.0.1:0", "--node", "notifying-node",
        "--grace", "1s");
  }

  private static int port(String output) {
    Matcher m = Pattern.compile("http 127\\.0\\.0\\.1:(\\d+)").matcher(output);
    assertThat(m.find()).as(output).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static String get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static long count(String db, String sql) {
    try (Database d = Database.open(db, 1); Connection c = d.dataSource().getConnection();
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : -1;
    } catch (Exception e) {
      System.err.println("NotifyCrashIT: cannot read the database yet: " + e);
      return -2;
    }
  }
}
