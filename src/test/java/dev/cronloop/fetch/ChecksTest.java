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

/** Every check of {@code expect} against a real server, with the exact reason a failure gives. */
@Timeout(60)
class ChecksTest {
  private static TargetServer http;
  private static TargetServer https;
  @TempDir Path dir;

  @BeforeAll
  static void startServers() throws Exception {
    http = TargetServer.http();
    https = TargetServer.https();
  }

  @AfterAll
  static void stopServers() throws Exception {
    http.close();
    https.close();
  }

  private FetchRow check(String path, String expect) throws Exception {
    String url = path.startsWith("https:") ? path : http.url(path);
    try (Fetching f = new Fetching(dir)) {
      return f.fetch("tls: { insecure: true }\nrequests:\n  - url: " + url + "\n    expect: "
          + expect + "\n");
    }
  }

  @Test
  void passing_checks_are_ok() throws Exception {
    FetchRow row = check("/json", """
        { status: [200, "300-399"], maxLatency: 5s, bodyContains: up, bodyMatches: '"count":\\s*\\d+',
          json: { /status: up, "$.checks[0].ok": true, $.count: 3, $.missing: absent, /checks: exists },
          headers: { Content-Type: /json/, content-type: application/json } }""");

    assertThat(row.error()).isNull();
    assertThat(row.outcome()).isEqualTo(Outcome.OK);
  }

  @Test
  void a_status_outside_the_set_is_an_http_error() throws Exception {
    assertThat(check("/status/503", "{ status: \"200-299\" }").error())
        .isEqualTo("status 503 not in 200-299");
    assertThat(check("/status/201", "{ status: [200, 204] }").error())
        .isEqualTo("status 201 not in 200,204");
    assertThat(check("/status/201", "{ status: 201 }").outcome()).isEqualTo(Outcome.OK);
  }

  @Test
  void each_failed_check_gives_its_reason() throws Exception {
    assertThat(check("/json", "{ json: { $.status: down } }").error())
        .isEqualTo("$.status: expected \"down\", got \"up\"");
    assertThat(check("/json", "{ json: { /count: 4 } }").error())
        .isEqualTo("/count: expected 4, got 3");
    assertThat(check("/json", "{ json: { /nope: exists } }").error())
        .isEqualTo("/nope: expected to exist, got nothing");
    assertThat(check("/json", "{ json: { /status: absent } }").error())
        .isEqualTo("/status: expected absent, got \"up\"");
    assertThat(check("/ok", "{ json: { /a: 1 } }").error()).startsWith("body is not JSON");
    assertThat(check("/json", "{ bodyMatches: 'down|degraded' }").error())
        .isEqualTo("body does not match /down|degraded/");
    assertThat(check("/json", "{ bodyContains: down }").error())
        .isEqualTo("body does not contain the bodyContains text");
    assertThat(check("/json", "{ headers: { Content-Type: text/plain } }").error())
        .isEqualTo("header Content-Type: expected \"text/plain\", got \"application/json\"");
    assertThat(check("/json", "{ headers: { Content-Type: /xml/ } }").error())
        .isEqualTo("header Content-Type: \"application/json\" does not match /xml/");
    assertThat(check("/json", "{ headers: { X-Request-Id: abc } }").error())
        .isEqualTo("header X-Request-Id missing");
    assertThat(check("/delay", "{ maxLatency: 1ms }").error()).matches("latency \\d+ms over 1ms");
  }

  @Test
  void failed_checks_are_all_reported() throws Exception {
    FetchRow row = check("/json", "{ bodyContains: down, json: { /status: down } }");

    assertThat(row.outcome()).isEqualTo(Outcome.CHECK_FAILED);
    assertThat(row.error())
        .isEqualTo("body does not contain the bodyContains text; /status: expected \"down\", got \"up\"");
  }

  @Test
  void cert_expires_in_reads_the_peer_certificate() throws Exception {
    FetchRow ok = check(https.url("/ok"), "{ certExpiresIn: 30d }");
    FetchRow tooSoon = check(https.url("/ok"), "{ certExpiresIn: 3650000d }");
    FetchRow clear = check("/ok", "{ certExpiresIn: 30d }");

    assertThat(ok.error()).isNull();
    assertThat(tooSoon.error()).matches("certificate expires in \\d+d, less than 3650000d");
    assertThat(clear.error()).isEqualTo("certExpiresIn: no TLS certificate (not an https response)");
  }
}
