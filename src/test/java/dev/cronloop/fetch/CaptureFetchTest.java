package dev.cronloop.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import dev.cronloop.testkit.BodyServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Body capture (issue 16) through a real fetch: a loopback server answers text, JSON, binary and
 * large bodies, and the row keeps what {@code capture} says.
 */
@Timeout(60)
class CaptureFetchTest {
  @TempDir Path dir;
  private BodyServer server;
  private Fetching fetching;

  @BeforeEach
  void start() throws Exception {
    server = BodyServer.start();
    fetching = new Fetching(dir);
  }

  @AfterEach
  void stop() throws Exception {
    fetching.close();
    server.close();
  }

  private String url(String query) {
    return "\"" + server.url(query) + "\"";
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void without_capture_no_body_is_kept() throws Exception {
    FetchRow row = fetching.fetch("requests: [" + url("status=500&type=text/plain&text=down") + "]\n");

    assertThat(row.outcome()).isEqualTo(Outcome.HTTP_ERROR);
    assertThat(row.body()).isNull();
  }

  @Test
  void failure_keeps_the_json_of_a_failed_fetch_and_nothing_of_a_good_one() throws Exception {
    String failing = url("status=503&type=application/json&text=" + enc("{\"error\":\"db down\"}"));
    String good = url("type=application/json&text=" + enc("{\"status\":\"up\"}"));

    var rows = fetching.fetchAll(
        "capture: { body: 4KiB, when: failure }\nrequests: [" + failing + ", " + good + "]\n");

    assertThat(rows.get(0).outcome()).isEqualTo(Outcome.HTTP_ERROR);
    assertThat(rows.get(0).body()).isEqualTo("{\"error\":\"db down\"}");
    assertThat(rows.get(1).outcome()).isEqualTo(Outcome.OK);
    assertThat(rows.get(1).body()).isNull();
  }

  @Test
  void a_failed_check_keeps_the_body_it_looked_at() throws Exception {
    FetchRow row = fetching.fetch(
        "capture: { when: failure }\nexpect: { bodyContains: ok }\nrequests: ["
            + url("type=" + enc("text/plain; charset=ISO-8859-1") + "&charset=ISO-8859-1&text=" + enc("Störung"))
            + "]\n");

    assertThat(row.outcome()).isEqualTo(Outcome.CHECK_FAILED);
    assertThat(row.body()).isEqualTo("Störung");
  }

  @Test
  void always_keeps_a_good_body_too_and_marks_one_that_was_truncated() throws Exception {
    FetchRow row = fetching.fetch(
        "capture: { body: 1KiB, when: always }\nrequests: ["
            + url("type=text/plain&text=abcdefghij&repeat=1000") + "]\n");

    assertThat(row.outcome()).isEqualTo(Outcome.OK);
    assertThat(row.bytes()).isEqualTo(10_000);
    assertThat(row.body())
        .startsWith("abcdefghij".repeat(102) + "abcd")
        .endsWith("\n…[truncated: first 1,024 of 10,000 bytes]");
  }

  @Test
  void a_binary_body_is_a_note_with_its_type_and_size() throws Exception {
    FetchRow row = fetching.fetch(
        "capture: { when: always }\nrequests: [" + url("type=image/png&binary=10240") + "]\n");

    assertThat(row.body()).isEqualTo("[binary image/png, 10,240 bytes]");
  }

  @Test
  void a_body_over_max_body_size_keeps_its_start_and_says_it_did_not_end() throws Exception {
    FetchRow row = fetching.fetch(
        "maxBodySize: 2000B\ncapture: { body: 10B, when: failure }\nrequests: ["
            + url("type=text/plain&text=0123456789&repeat=1000") + "]\n");

    assertThat(row.outcome()).isEqualTo(Outcome.BODY_TOO_LARGE);
    assertThat(row.body()).startsWith("0123456789\n…[truncated: first 10 of ").endsWith(" bytes received; the body did not end]");
  }

  @Test
  void a_credential_the_target_echoes_is_hidden() throws Exception {
    FetchRow row = fetching.fetch(
        "capture: { when: always }\nheaders: { X-Api-Key: \"${SECRET}\" }\nrequests: ["
            + url("type=text/plain&text=" + enc("your key: ") + "&echo=X-Api-Key") + "]\n");

    assertThat(row.body()).isEqualTo("your key: ***");
  }

  @Test
  void a_fetch_without_a_response_has_no_body() throws Exception {
    FetchRow row = fetching.fetch(
        "capture: { when: always }\nrequests: [\"http://127.0.0.1:1/nothing\"]\n");

    assertThat(row.outcome()).isEqualTo(Outcome.CONNECT_ERROR);
    assertThat(row.body()).isNull();
  }
}
