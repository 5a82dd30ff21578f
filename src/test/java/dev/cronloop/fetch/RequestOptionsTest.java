package dev.cronloop.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every request option against a real server: what arrives is checked through the server's
 * {@code /echo} answer and {@code expect.json}, so an OK row means the option went out right.
 */
@Timeout(60)
class RequestOptionsTest {
  private static TargetServer http;
  private static TargetServer https;
  private static TargetServer resetting;
  @TempDir Path dir;

  @BeforeAll
  static void startServers() throws Exception {
    http = TargetServer.http();
    https = TargetServer.https();
    resetting = TargetServer.resetting();
  }

  @AfterAll
  static void stopServers() throws Exception {
    http.close();
    https.close();
    resetting.close();
  }

  private FetchRow fetch(String yaml) throws Exception {
    try (Fetching f = new Fetching(dir)) {
      return f.fetch(yaml);
    }
  }

  @Test
  void method_query_headers_bearer_auth_and_a_json_body_go_out_as_written() throws Exception {
    FetchRow row = fetch("""
        requests:
          - url: %s
            method: put
            query: { q: "a b&c", page: 2 }
            headers: { X-Team: web }
            auth: { bearer: "${SECRET}" }
            body: { name: cron, n: 3, tags: [a, "7"], ok: true }
            expect:
              json:
                /method: PUT
                /query/q: "a b&c"
                /query/page: "2"
                /headers/x-team: web
                /headers/authorization: "Bearer s3cret"
                /headers/content-type: application/json
                /headers/user-agent: cronloop
                /body: '{"name":"cron","n":3,"tags":["a","7"],"ok":true}'
        """.formatted(http.url("/echo")));

    assertThat(row.error()).isNull();
    assertThat(row.outcome()).isEqualTo(Outcome.OK);
    assertThat(row.url()).isEqualTo(http.url("/echo") + "?q=a b&c&page=2");
  }

  @Test
  void basic_auth_and_a_text_body_are_sent() throws Exception {
    FetchRow row = fetch("""
        method: POST
        auth: { user: u, password: "${SECRET}" }
        body: 'plain ${SECRET}'
        requests:
          - url: %s
            expect:
              json: { /headers/authorization: "Basic dTpzM2NyZXQ=", /body: "plain s3cret" }
        """.formatted(http.url("/echo")));

    assertThat(row.error()).isNull();
    assertThat(row.outcome()).isEqualTo(Outcome.OK);
  }

  @Test
  void a_basic_user_with_a_colon_is_sent_as_written() throws Exception {
    // RFC 7617 forbids it and the WebClient refuses it; a job that writes one still gets its header
    FetchRow row = fetch("""
        auth: { user: "a:b", password: "${SECRET}" }
        requests:
          - url: %s
            expect:
              json: { /headers/authorization: "Basic YTpiOnMzY3JldA==" }
        """.formatted(http.url("/echo")));

    assertThat(row.error()).isNull();
    assertThat(row.outcome()).isEqualTo(Outcome.OK);
  }

  @Test
  void redirects_are_followed_up_to_the_limit() throws Exception {
    FetchRow followed = fetch("requests:\n  - " + http.url("/redirect/4") + "\n");
    FetchRow tooMany = fetch("maxRedirects: 2\nrequests:\n  - " + http.url("/redirect/4") + "\n");
    FetchRow off = fetch("followRedirects: false\nrequests:\n  - " + http.url("/redirect/0") + "\n");

    assertThat(followed.outcome()).isEqualTo(Outcome.OK);
    assertThat(followed.statusCode()).isEqualTo(200);
    assertThat(tooMany.error()).isEqualTo("stopped after 2 redirects (maxRedirects); status 302 not in 200-299");
    assertThat(off.error()).isEqualTo("status 302 not in 200-299");
  }

  @Test
  void a_body_over_the_limit_ends_as_body_too_large() throws Exception {
    FetchRow defaultLimit = fetch("requests:\n  - " + http.url("/big/3000000") + "\n");
    FetchRow small = fetch("maxBodySize: 10KiB\nrequests:\n  - " + http.url("/big/20000") + "\n");
    FetchRow fits = fetch("maxBodySize: 10KiB\nrequests:\n  - " + http.url("/big/10240") + "\n");

    assertThat(defaultLimit.outcome()).isEqualTo(Outcome.BODY_TOO_LARGE);
    assertThat(defaultLimit.error()).isEqualTo("body over 1048576 bytes; connection closed");
    assertThat(small.outcome()).isEqualTo(Outcome.BODY_TOO_LARGE);
    assertThat(small.bytes()).isLessThan(20000);
    assertThat(fits.outcome()).isEqualTo(Outcome.OK);
    assertThat(fits.bytes()).isEqualTo(10240);
  }

  @Test
  void the_timeout_covers_the_whole_body() throws Exception {
    FetchRow row = fetch("timeout: 300ms\nrequests:\n  - " + http.url("/stall") + "\n");

    assertThat(row.outcome()).isEqualTo(Outcome.TIMEOUT);
    assertThat(row.error()).isEqualTo("body not complete within 300ms");
    assertThat(row.statusCode()).isEqualTo(200);
  }

  @Test
  void refused_reset_closed_and_unknown_hosts_are_told_apart() throws Exception {
    FetchRow refused = fetch("requests:\n  - http://127.0.0.1:1/x\n");
    FetchRow reset = fetch("requests:\n  - " + resetting.url("/close") + "\n");
    FetchRow closed = fetch("requests:\n  - " + http.url("/close") + "\n");
    FetchRow dns = fetch("requests:\n  - http://no-such-host.invalid/x\n");

    assertThat(refused.outcome()).isEqualTo(Outcome.CONNECT_ERROR);
    assertThat(refused.error()).isEqualTo("connection refused");
    assertThat(reset.outcome()).isEqualTo(Outcome.CONNECT_ERROR);
    assertThat(reset.error()).isEqualTo("connection reset");
    assertThat(closed.error()).isEqualTo("connection closed before the response ended");
    assertThat(dns.outcome()).isEqualTo(Outcome.DNS_ERROR);
    assertThat(dns.error()).isEqualTo("cannot resolve host no-such-host.invalid");
  }

  @Test
  void retries_follow_the_on_list_and_count_attempts() throws Exception {
    FetchRow fiveHundreds =
        fetch("retries: { max: 2, backoff: 10ms }\nrequests:\n  - " + http.url("/status/503") + "\n");
    FetchRow notOn429 =
        fetch("retries: { max: 2, backoff: 10ms }\nrequests:\n  - " + http.url("/status/429") + "\n");
    FetchRow on429 =
        fetch("retries: { max: 1, backoff: 10ms, on: [429] }\nrequests:\n  - "
            + http.url("/status/429") + "\n");
    FetchRow refused = fetch("retries: { max: 1, backoff: 10ms }\nrequests:\n  - http://127.0.0.1:1/x\n");

    assertThat(fiveHundreds.attempts()).isEqualTo(3);
    assertThat(fiveHundreds.error()).isEqualTo("status 503 not in 200-299");
    assertThat(notOn429.attempts()).isEqualTo(1);
    assertThat(on429.attempts()).isEqualTo(2);
    assertThat(refused.attempts()).isEqualTo(2);
    assertThat(refused.outcome()).isEqualTo(Outcome.CONNECT_ERROR);
  }

  @Test
  void tls_is_verified_by_default_and_a_ca_file_or_insecure_lets_a_self_signed_server_pass()
      throws Exception {
    FetchRow untrusted = fetch("requests:\n  - " + https.url("/echo") + "\n");
    FetchRow trusted = fetch("""
        tls: { caFile: "%s" }
        requests:
          - url: %s
            expect: { json: { /version: HTTP_2 } }
        """.formatted(https.certificatePath(), https.url("/echo")));
    FetchRow insecure = fetch("tls: { insecure: true }\nrequests:\n  - " + https.url("/echo") + "\n");
    FetchRow wrongHost = fetch("tls: { caFile: \"%s\" }\nrequests:\n  - %s\n".formatted(
        https.certificatePath(), https.url("/echo").replace("localhost", "127.0.0.1")));

    assertThat(untrusted.outcome()).isEqualTo(Outcome.TLS_ERROR);
    assertThat(untrusted.error()).isEqualTo("TLS: certificate not trusted (unknown issuer)");
    assertThat(trusted.error()).isNull();
    assertThat(insecure.outcome()).isEqualTo(Outcome.OK);
    assertThat(wrongHost.outcome()).isEqualTo(Outcome.TLS_ERROR);
    assertThat(wrongHost.error()).isEqualTo("TLS: certificate does not match the host name");
  }

  @Test
  void http_versions_one_one_h2_over_alpn_and_h2c_prior_knowledge() throws Exception {
    FetchRow h1 = fetch("""
        tls: { insecure: true }
        http: "1.1"
        requests:
          - { url: %s, expect: { json: { /version: HTTP_1_1 } } }
        """.formatted(https.url("/echo")));
    FetchRow h2c = fetch("""
        http: "2"
        requests:
          - { url: %s, expect: { json: { /version: HTTP_2 } } }
        """.formatted(http.url("/echo")));
    FetchRow clearAuto = fetch("""
        requests:
          - { url: %s, expect: { json: { /version: HTTP_1_1 } } }
        """.formatted(http.url("/echo")));

    assertThat(h1.error()).isNull();
    assertThat(h2c.error()).isNull();
    assertThat(clearAuto.error()).isNull();
  }

  @Test
  void a_connect_timeout_is_a_connect_error() throws Exception {
    // A listening socket that never accepts, its backlog full: the kernel drops further SYNs.
    try (java.net.ServerSocket full = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      java.util.List<java.net.Socket> fillers = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        java.net.Socket s = new java.net.Socket();
        try {
          s.connect(full.getLocalSocketAddress(), 200);
        } catch (java.io.IOException e) {
          // the backlog is full already
        }
        fillers.add(s);
      }
      FetchRow row = fetch("connectTimeout: 300ms\nrequests:\n  - http://127.0.0.1:"
          + full.getLocalPort() + "/x\n");
      for (java.net.Socket s : fillers) {
        s.close();
      }

      assertThat(row.outcome()).isEqualTo(Outcome.CONNECT_ERROR);
      assertThat(row.error()).isEqualTo("connect timeout");
      assertThat(row.latencyMs()).isBetween(250L, 2000L);
    }
  }
}
