package dev.cronloop.definition;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Request options and checks of issue 5 as the parser reads them, and their located problems. */
class RequestOptionsParsingTest {
  @TempDir Path dir;
  private final JobFileParser parser = JobFileParser.withEnv(Map.of("TOKEN", "t0k"));

  private JobFileParser.Result parse(String body) throws IOException {
    Path file = dir.resolve("j.yaml");
    Files.writeString(file, "schedule: \"0 0 12 * * ?\"\n" + body);
    return parser.parse(file);
  }

  @Test
  void defaults_and_job_level_settings_reach_every_request() throws IOException {
    JobFileParser.Result r = parse("""
        method: POST
        query: { key: "${TOKEN}" }
        connectTimeout: 1s
        maxBodySize: 64KiB
        http: "2"
        auth: { bearer: "${TOKEN}" }
        retries: { max: 1, on: [connect, 429] }
        expect: { json: { /ok: true }, certExpiresIn: 14d }
        requests:
          - https://example.org/a
          - { url: "https://example.org/b?x=1", method: GET, followRedirects: false }
        """);

    assertThat(r.problems()).isEmpty();
    RequestSpec a = r.jobs().get(0).requests().get(0);
    assertThat(a.method()).isEqualTo("POST");
    assertThat(a.url()).isEqualTo("https://example.org/a?key=t0k");
    assertThat(a.urlAsWritten()).isEqualTo("https://example.org/a?key=${TOKEN}");
    assertThat(a.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(a.maxBodyBytes()).isEqualTo(65536);
    assertThat(a.protocol()).isEqualTo(Protocol.HTTP_2);
    assertThat(a.auth()).isEqualTo(new Auth.Bearer(Secret.of("t0k")));
    assertThat(a.auth().toString()).doesNotContain("t0k");
    assertThat(a.maxRedirects()).isEqualTo(5);
    assertThat(a.tls()).isEqualTo(Tls.DEFAULT);
    assertThat(a.expect().json())
        .containsExactly(new JsonCheck("/ok", "/ok", JsonCheck.Kind.EQUALS, "true", true));
    assertThat(a.expect().certExpiresIn()).isEqualTo(Duration.ofDays(14));
    RequestSpec b = r.jobs().get(0).requests().get(1);
    assertThat(b.method()).isEqualTo("GET");
    assertThat(b.url()).isEqualTo("https://example.org/b?x=1&key=t0k");
    assertThat(b.maxRedirects()).isZero();
    assertThat(r.jobs().get(0).retries().on()).containsExactlyInAnyOrder(RetryOn.CONNECT, RetryOn.STATUS_429);
  }

  @Test
  void json_paths_become_json_pointers() {
    assertThat(JsonPaths.toPointer("$.a.b[0]")).isEqualTo("/a/b/0");
    assertThat(JsonPaths.toPointer("$['a/b'].c")).isEqualTo("/a~1b/c");
    assertThat(JsonPaths.toPointer("/a~0b/1")).isEqualTo("/a~0b/1");
    assertThat(JsonPaths.toPointer("$")).isEqualTo("");
    assertThat(JsonPaths.toPointer("$.a[*]")).isNull();
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("expect: { bodyMatches: 'a(b' }", 2, 28,
            "bodyMatches is not a valid regular expression (Unclosed group in \"a(b\"); fix it or "
                + "escape the special character with \\"),
        Arguments.of("expect: { json: { /a~2: 1 } }", 2, 19,
            "json path \"/a~2\" in expect of job \"j\" is not valid ('~' at 3 must be followed by 0"
                + " or 1); write a JSON Pointer like /a/b/0 or a path like $.a.b[0]"),
        Arguments.of("expect: { json: { a.b: 1 } }", 2, 19,
            "json path \"a.b\" in expect of job \"j\" is not valid (it must start with / or $); "
                + "write a JSON Pointer like /a/b/0 or a path like $.a.b[0]"),
        Arguments.of("connectTimeout: -5s", 2, 17,
            "connectTimeout must not be negative (found \"-5s\")"),
        Arguments.of("method: FETCH", 2, 9,
            "method is not supported (found \"FETCH\"); use GET, HEAD, POST, PUT, PATCH, DELETE or "
                + "OPTIONS"),
        Arguments.of("tls: { caFile: nope.pem }", 2, 16,
            "tls.caFile \"nope.pem\" cannot be read (NoSuchFileException); give the path of a PEM "
                + "file, relative to this job file or absolute"),
        Arguments.of("maxBodySize: 2TB", 2, 14,
            "maxBodySize must be a size from 1 byte to 1GiB (found \"2TB\"); write e.g. "
                + "maxBodySize: 1MiB, 512KiB or 65536"),
        Arguments.of("retries: { on: [conect] }", 2, 17,
            "retries.on does not know \"conect\"; did you mean \"connect\"?"),
        Arguments.of("http: \"3\"", 2, 7,
            "http must be auto, \"1.1\" or \"2\" (found \"3\"); auto offers HTTP/2 over TLS"),
        Arguments.of("auth: { user: me }", 2, 7,
            "auth needs user and password for basic auth, or bearer for a token in job \"j\""),
        Arguments.of("expect: { headers: { X-A: '/[/' } }", 2, 28,
            "header check \"X-A\" is not a valid regular expression (Unclosed character class in "
                + "\"/[/\"); fix it or escape the special character with \\"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void malformed(String line, int lineNo, int column, String message) throws IOException {
    JobFileParser.Result r = parse(line + "\nrequests: [https://example.org]\n");

    assertThat(r.problems().stream().map(p -> p.line() + ":" + p.column() + ": " + p.message()))
        .containsExactly(lineNo + ":" + column + ": " + message);
    assertThat(r.jobs()).isEmpty();
  }

  @Test
  void a_ca_file_is_read_and_checked_to_hold_a_certificate() throws IOException {
    Files.writeString(dir.resolve("bad.pem"), "not a certificate\n");

    JobFileParser.Result r = parse("tls: { caFile: bad.pem }\nrequests: [https://example.org]\n");

    assertThat(r.problems()).extracting(Problem::message).containsExactly(
        "tls.caFile \"bad.pem\" holds no PEM certificate; give a file with -----BEGIN "
            + "CERTIFICATE----- blocks");
    assertThat(List.of(r.problems().get(0).line(), r.problems().get(0).column())).containsExactly(2, 16);
  }
}
