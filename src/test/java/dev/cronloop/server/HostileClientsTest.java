package dev.cronloop.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.Engine;
import dev.cronloop.testkit.EngineInvariants;
import dev.cronloop.testkit.JobFiles;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that abuse the API: oversized request lines, headers and bodies, bad parameter types.
 * Each gets a 4xx without its input echoed back, and the API keeps answering.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileClientsTest {
  private static final String TOKEN = "test-token-0123456789abcdef";

  // The engine is shared by the class: the logs are checked after each test, the engine and the
  // threads once it is closed, in stop().
  @RegisterExtension final EngineInvariants invariants = new EngineInvariants();
  @TempDir static Path dir;
  private Engine engine;
  private int port;

  @BeforeAll
  void start() throws Exception {
    JobFiles.write(dir.resolve("jobs"), "quiet.yaml", """
        schedule: "0 0 0 1 1 ? 2099"
        requests: [ "http://127.0.0.1:9/never" ]
        """);
    engine = invariants.share(Engine.builder().jobs(dir.resolve("jobs"))
        .database("jdbc:h2:file:" + dir.resolve("db/cronloop"))
        .http(new InetSocketAddress("127.0.0.1", 0)).token(TOKEN).build());
    engine.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    port = engine.httpPort();
  }

  @AfterAll
  void stop() throws Exception {
    engine.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    invariants.checkEngines();
  }

  @Test
  void a_100_kb_query_string_is_refused_without_an_echo() throws Exception {
    String answer = raw("GET /api/runs?job=" + "x".repeat(100_000) + " HTTP/1.1\r\nHost: a\r\n\r\n", null);

    assertThat(statusOf(answer)).isEqualTo(414);
    assertThat(answer.length()).isLessThan(2_000);
    assertStillAnswers();
  }

  @Test
  void a_header_bomb_is_refused() throws Exception {
    String answer = raw("GET /health HTTP/1.1\r\nHost: a\r\nX-Bomb: " + "y".repeat(200_000) + "\r\n\r\n", null);

    assertThat(statusOf(answer)).isBetween(400, 499);
    assertStillAnswers();
  }

  @Test
  void a_10_mb_body_on_trigger_is_not_buffered_and_gets_an_answer() throws Exception {
    String head = "POST /api/jobs/quiet/pause HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + TOKEN
        + "\r\nContent-Type: application/json\r\nContent-Length: 10485760\r\n\r\n";

    String answer = raw(head, new byte[10 * 1024 * 1024]);

    assertThat(statusOf(answer)).isIn(200, 409, 413);
    assertThat(answer.length()).isLessThan(2_000);
    assertStillAnswers();
  }

  @Test
  void parameters_of_the_wrong_type_or_range_are_400_naming_the_parameter() throws Exception {
    for (String q : new String[] {"limit=abc", "limit=-1", "limit=99999999999999999999", "status=BOGUS",
        "before=1e9", "nope=1", "limit=1&limit=2"}) {
      String answer = raw("GET /api/runs?" + q + " HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", null);

      assertThat(statusOf(answer)).as(q).isEqualTo(400);
      assertThat(answer).as(q).doesNotContain("Exception").doesNotContain("\tat ");
    }
    assertStillAnswers();
  }

  private void assertStillAnswers() throws Exception {
    assertThat(statusOf(raw("GET /health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", null))).isEqualTo(200);
  }

  private static int statusOf(String answer) {
    assertThat(answer).startsWith("HTTP/1.");
    return Integer.parseInt(answer.substring(9, 12));
  }

  /** Sends raw bytes and reads the answer's head and up to 64 KB of body, or until close. */
  private String raw(String head, byte[] body) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) {
        try {
          out.write(body);
        } catch (java.io.IOException closedEarly) {
          // the server may answer and close before the whole body is sent: that is fine
        }
      }
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[65_536];
      int n = 0;
      int r;
      try {
        while (n < buf.length && (r = in.read(buf, n, buf.length - n)) > 0) {
          n += r;
          String sofar = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
          int end = sofar.indexOf("\r\n\r\n");
          if (end > 0 && complete(sofar, end)) {
            break;
          }
        }
      } catch (java.net.SocketException reset) {
        // read what arrived before the reset
      }
      return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
    }
  }

  private static boolean complete(String sofar, int headEnd) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(sofar.substring(0, headEnd));
    return m.find() && sofar.length() - headEnd - 4 >= Integer.parseInt(m.group(1));
  }
}
