package dev.cronloop.fetch;

import static dev.cronloop.fetch.HostileServer.readHead;
import static dev.cronloop.fetch.HostileServer.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import dev.cronloop.testkit.LoopbackServer;
import dev.cronloop.testkit.NoBlockedThreads;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Targets that attack the client: each gives its outcome within the job's timeout, with memory
 * bounded by the body cap, and the event loop is never blocked ({@link NoBlockedThreads} fails
 * the test on a blocked-thread warning; the checker warns after 200 ms).
 */
@Timeout(60)
class HostileTargetsTest {
  @RegisterExtension final NoBlockedThreads noBlocking = new NoBlockedThreads();
  @TempDir Path dir;
  private Fetching fetching;
  private HostileServer server;

  /**
   * Loads the HTTP and TLS classes once, on a lenient Vert.x: the first request of a JVM loads
   * hundreds of classes on its loop, which on a busy machine can pass the checker's 200 ms.
   */
  @BeforeAll
  static void warmUp(@TempDir Path warm) throws Exception {
    try (LoopbackServer plain = LoopbackServer.start(); Fetching lenient = new Fetching(warm)) {
      lenient.fetch("requests: [" + plain.url("/warm") + "]\n");
      lenient.fetch("requests: [" + plain.url("/warm").replace("http:", "https:") + "]\n");
    }
  }

  @BeforeEach
  void start() {
    fetching = new Fetching(dir, 100, NoBlockedThreads.strict(new VertxOptions()));
  }

  @AfterEach
  void stop() throws Exception {
    fetching.close();
    if (server != null) {
      server.close();
    }
  }

  @Test
  void slowloris_trickling_its_status_line_times_out_within_the_job_timeout() throws Exception {
    server = new HostileServer((s, in, out) -> {
      readHead(in);
      for (char c : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".toCharArray()) {
        write(out, String.valueOf(c));
        Thread.sleep(300);
      }
    });

    long t0 = System.nanoTime();
    FetchRow row = fetch("timeout: 1500ms\n", "/");
    long tookMs = (System.nanoTime() - t0) / 1_000_000;

    assertThat(row.outcome()).isEqualTo(Outcome.TIMEOUT);
    assertThat(row.error()).isEqualTo("no response within 1500ms");
    assertThat(tookMs).isLessThan(1_500 + 2_000);
  }

  @Test
  void slowloris_trickling_its_body_times_out_as_body_not_complete() throws Exception {
    server = new HostileServer((s, in, out) -> {
      readHead(in);
      write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
      while (true) {
        write(out, "x");
        Thread.sleep(100);
      }
    });

    FetchRow row = fetch("timeout: 1s\n", "/");

    assertThat(row.outcome()).isEqualTo(Outcome.TIMEOUT);
    assertThat(row.error()).isEqualTo("body not complete within 1s");
    assertThat(row.statusCode()).isEqualTo(200);
  }

  @Test
  void an_endless_body_stops_at_the_cap_and_the_connection_is_closed() throws Exception {
    AtomicLong sent = new AtomicLong();
    server = new HostileServer((s, in, out) -> {
      readHead(in);
      write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
      String chunk = "2000\r\n" + "y".repeat(0x2000) + "\r\n";
      while (true) {
        write(out, chunk);
        sent.addAndGet(0x2000);
      }
    });

    FetchRow row = fetch("timeout: 20s\nmaxBodySize: 64KiB\nexpect: { bodyContains: never }\n", "/");

    assertThat(row.outcome()).isEqualTo(Outcome.BODY_TOO_LARGE);
    assertThat(row.error()).isEqualTo("body over 65536 bytes; connection closed");
    // Memory stays bounded: what was read is the cap plus at most one network read more.
    assertThat(row.bytes()).isBetween(65_537L, 65_536L + 128 * 1024);
  }

  @Test
  void a_header_bomb_is_an_invalid_response_not_a_heap_of_headers() throws Exception {
    server = new HostileServer((s, in, out) -> {
      readHead(in);
      write(out, "HTTP/1.1 200 OK\r\n");
      String header = "X-Bomb: " + "z".repeat(1000) + "\r\n";
      for (int i = 0; i < 100_000; i++) { // 100 MB of headers if nobody stops reading
        write(out, header);
      }
    });

    FetchRow row = fetch("timeout: 10s\n", "/");

    assertThat(row.outcome()).isEqualTo(Outcome.HTTP_ERROR);
    assertThat(row.error()).isEqualTo("invalid HTTP response: headers too large");
  }

  @Test
  void a_redirect_loop_stops_at_the_limit_with_the_redirect_as_the_answer() throws Exception {
    server = new HostileServer((s, in, out) -> {
      while (!readHead(in).isEmpty()) {
        write(out, "HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n");
      }
    });

    FetchRow row = fetch("timeout: 10s\nmaxRedirects: 3\n", "/");

    assertThat(row.outcome()).isEqualTo(Outcome.HTTP_ERROR);
    assertThat(row.statusCode()).isEqualTo(302);
    assertThat(row.error()).isEqualTo("stopped after 3 redirects (maxRedirects); status 302 not in 200-299");
    assertThat(server.accepted()).isLessThanOrEqualTo(4);
  }

  @Test
  void a_reset_in_the_middle_of_the_body_is_a_connection_error() throws Exception {
    server = new HostileServer((s, in, out) -> {
      readHead(in);
      write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + "r".repeat(1000));
      Thread.sleep(200);
      s.setSoLinger(true, 0); // close with RST
      s.close();
    });

    FetchRow row = fetch("timeout: 10s\n", "/");

    assertThat(row.outcome()).isEqualTo(Outcome.CONNECT_ERROR);
    assertThat(row.error()).isIn("connection reset", "connection closed before the response ended");
  }

  @Test
  void a_server_that_does_not_speak_http_is_an_invalid_response() throws Exception {
    server = new HostileServer((s, in, out) -> {
      write(out, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
      readHead(in);
      Thread.sleep(5_000);
    });

    FetchRow row = fetch("timeout: 3s\n", "/");

    assertThat(row.outcome()).isEqualTo(Outcome.HTTP_ERROR);
    assertThat(row.error()).isEqualTo("invalid HTTP response: the server does not speak HTTP");
  }

  @Test
  void a_socket_that_accepts_and_never_answers_times_out() throws Exception {
    server = new HostileServer((s, in, out) -> {
      readHead(in);
      Thread.sleep(30_000);
    });

    FetchRow row = fetch("timeout: 1s\n", "/");

    assertThat(row.outcome()).isEqualTo(Outcome.TIMEOUT);
    assertThat(row.error()).isEqualTo("no response within 1s");
    assertThat(server.accepted()).isEqualTo(1);
  }

  @Test
  void plain_tcp_behind_an_https_url_is_a_tls_error() throws Exception {
    server = new HostileServer((s, in, out) -> {
      in.read(new byte[512]); // the ClientHello
      write(out, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    });

    FetchRow row = fetching.fetch("timeout: 5s\nrequests: [" + server.url("https", "/") + "]\n");

    assertThat(row.outcome()).isEqualTo(Outcome.TLS_ERROR);
    assertThat(row.error()).isEqualTo("TLS: the server does not speak TLS on this port");
  }

  @Test
  void the_guard_itself_sees_a_blocked_loop() throws Exception {
    fetching.vertx.runOnContext(v -> sleepOnLoop(700));

    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
        .until(() -> !noBlocking.warnings().isEmpty());

    assertThat(noBlocking.warnings().get(0)).contains("blocked");
    noBlocking.expectBlocked(); // this test blocked on purpose
  }

  private static void sleepOnLoop(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private FetchRow fetch(String options, String path) throws Exception {
    return fetching.fetch(options + "requests: [" + server.url("http", path) + "]\n");
  }
}
