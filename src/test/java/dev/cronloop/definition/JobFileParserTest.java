package dev.cronloop.definition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.schedule.ScheduleException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobFileParserTest {

  @TempDir Path dir;

  private final JobFileParser parser =
      JobFileParser.withEnv(Map.of("API_TOKEN", "tok-123", "HOST", "api.example.org"));

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  private JobFileParser.Result parse(String name, String text) throws IOException {
    return parser.parse(write(name, text));
  }

  private List<String> problems(JobFileParser.Result r) {
    return r.problems().stream().map(Problem::toString).toList();
  }

  private String at(String name, int line, int column, String message) {
    return dir.resolve(name) + ":" + line + ":" + column + ": " + message;
  }

  @Test
  void limits_the_database_sets_are_job_file_problems_with_their_place_and_the_limit() throws IOException {
    String longPath = "/" + "p".repeat(5_000 - "https://example.org/".length());
    String value = "v".repeat(4_097 - "https://example.org/s?q=".length());
    Files.writeString(dir.resolve("long.txt"), "# first line\n  https://example.org" + longPath + "\n");

    JobFileParser.Result r = parse("x.yaml", ""
        + "name: x\n"
        + "schedule: \"0 0 12 * * ?\"\n"
        + "urlsFrom: long.txt\n"
        + "requests:\n"
        + "  - https://example.org/fine\n"
        + "  - https://example.org" + longPath + "\n"
        + "  - url: https://example.org/s\n"
        + "    query:\n"
        + "      q: " + value + "\n"
        + "---\n"
        + "name: " + "n".repeat(300) + "\n"
        + "schedule: \"0 0 12 * * ?\"\n"
        + "requests: [ https://example.org/a ]\n");

    assertThat(problems(r)).contains(
        at("x.yaml", 6, 5, "url is 5000 characters, longer than the 4096 the database keeps; shorten it"),
        at("x.yaml", 7, 10, "url is 4097 characters, longer than the 4096 the database keeps; shorten it"),
        dir.resolve("long.txt") + ":2:3: url is 5000 characters, longer than the 4096 the database keeps; shorten it",
        at("x.yaml", 11, 7, "name is 300 characters, longer than the 128 a job id may have; shorten it"));
    assertThat(r.problems()).hasSize(4);
  }

  /**
   * Issue 18 (the sweep): a job of 100,000 URLs keeps 100,000 specs in the engine's heap; what is
   * the same for every URL (the default checks, the URL as written when nothing was substituted)
   * is one object, not one per URL.
   */
  @Test
  void a_long_url_list_shares_its_default_checks_and_keeps_each_url_once() throws IOException {
    Files.writeString(dir.resolve("many.txt"), "https://example.org/1\nhttps://example.org/2\n");

    JobFileParser.Result r = parse("many.yaml", "schedule: \"0 0 12 * * ?\"\nurlsFrom: many.txt\n"
        + "requests:\n  - https://example.org/0\n  - url: https://example.org/q\n    query: { a: b }\n");

    List<RequestSpec> requests = r.jobs().get(0).requests();
    assertThat(requests).hasSize(4);
    assertThat(requests).allSatisfy(q -> assertThat(q.expect()).isSameAs(Expect.DEFAULT));
    assertThat(requests).allSatisfy(q -> assertThat(q.urlAsWritten()).isSameAs(q.url()));
    assertThat(requests).extracting(RequestSpec::url).contains("https://example.org/q?a=b", "https://example.org/2");
    assertThat(new Expect(StatusSet.SUCCESS, null, null).headers()).isEmpty();
    assertThat(new Expect(StatusSet.SUCCESS, null, null).headers()).isSameAs(Expect.DEFAULT.headers());
  }

  @Test
  void minimal_job_gets_every_default() throws IOException {
    JobFileParser.Result r =
        parse(
            "orders.yaml", "schedule: \"*/30 * * * * ?\"\nrequests:\n  - https://example.org/a\n");

    assertThat(r.problems()).isEmpty();
    JobDefinition job = r.jobs().get(0);
    assertThat(job.id()).isEqualTo("orders");
    assertThat(job.file()).isEqualTo(dir.resolve("orders.yaml"));
    assertThat(job.schedule().zone()).isEqualTo(ZoneId.of("UTC"));
    assertThat(job.schedule().expression()).isEqualTo("*/30 * * * * ?");
    assertThat(job.enabled()).isTrue();
    assertThat(job.concurrency()).isEqualTo(JobFileParser.DEFAULT_CONCURRENCY).isEqualTo(50);
    assertThat(job.overlap()).isEqualTo(Overlap.SKIP);
    assertThat(job.misfire()).isEqualTo(Misfire.FIRE_ONCE);
    assertThat(job.spread()).isEqualTo(Duration.ZERO);
    assertThat(job.jitter()).isEqualTo(Duration.ZERO);
    assertThat(job.retries()).isEqualTo(Retries.NONE);
    assertThat(job.contentHash()).matches("[0-9a-f]{64}");
    RequestSpec req = job.requests().get(0);
    assertThat(req.method()).isEqualTo("GET");
    assertThat(req.url()).isEqualTo("https://example.org/a");
    assertThat(req.headers()).isEmpty();
    assertThat(req.body()).isNull();
    assertThat(req.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(req.expect()).isEqualTo(Expect.DEFAULT);
  }

  @Test
  void every_key_of_the_design_example_is_read() throws IOException {
    String yaml =
        """
        name: api-health
        schedule: "0 0 12 * * ?"
        zone: Europe/Berlin
        enabled: false
        concurrency: 7
        overlap: queue
        misfire: skip
        spread: 1m30s
        jitter: 500ms
        retention: 7d
        timeout: 5s
        retries: { max: 2, backoff: 200ms }
        headers: { Authorization: "Bearer ${API_TOKEN}" }
        expect: { status: "200-299", maxLatency: 800ms, bodyContains: "ok" }
        requests:
          - https://example.org/a
          - url: https://${HOST}/b
            method: post
            body: '{"x": 1}'
            expect: { status: [200, 201] }
        """;

    JobFileParser.Result r = parse("whatever.yaml", yaml);

    assertThat(r.problems()).isEmpty();
    JobDefinition job = r.jobs().get(0);
    assertThat(job.id()).isEqualTo("api-health");
    assertThat(job.schedule().zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(job.schedule().next(Instant.parse("2026-01-01T00:00:00Z")))
        .contains(Instant.parse("2026-01-01T11:00:00Z"));
    assertThat(job.enabled()).isFalse();
    assertThat(job.concurrency()).isEqualTo(7);
    assertThat(job.overlap()).isEqualTo(Overlap.QUEUE);
    assertThat(job.misfire()).isEqualTo(Misfire.SKIP);
    assertThat(job.spread()).isEqualTo(Duration.ofSeconds(90));
    assertThat(job.jitter()).isEqualTo(Duration.ofMillis(500));
    assertThat(job.retention()).isEqualTo(Duration.ofDays(7));
    assertThat(job.retries()).isEqualTo(new Retries(2, Duration.ofMillis(200)));
    RequestSpec a = job.requests().get(0);
    assertThat(a.method()).isEqualTo("GET");
    assertThat(a.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(a.headers()).containsEntry("Authorization", Secret.of("Bearer tok-123"));
    assertThat(a.expect()).isEqualTo(new Expect(StatusSet.SUCCESS, Duration.ofMillis(800), "ok"));
    RequestSpec b = job.requests().get(1);
    assertThat(b.method()).isEqualTo("POST");
    assertThat(b.url()).isEqualTo("https://api.example.org/b");
    assertThat(b.urlAsWritten()).isEqualTo("https://${HOST}/b");
    assertThat(b.body()).isEqualTo(Secret.of("{\"x\": 1}"));
    assertThat(b.expect().status().toString()).isEqualTo("200,201");
    assertThat(b.expect().maxLatency()).isEqualTo(Duration.ofMillis(800));
    assertThat(b.expect().bodyContains()).isEqualTo("ok");
  }

  @Test
  void request_settings_win_over_job_defaults_and_header_names_ignore_case() throws IOException {
    String yaml =
        """
        schedule: "0 0 12 * * ?"
        timeout: 3s
        headers: { Accept: text/plain, X-Team: web }
        expect: { status: 200, bodyContains: up }
        requests:
          - url: https://example.org/a
            timeout: 1s
            headers: { accept: application/json }
            expect: { status: "200,301-302" }
        """;

    JobFileParser.Result r = parse("merge.yaml", yaml);

    assertThat(r.problems()).isEmpty();
    RequestSpec req = r.jobs().get(0).requests().get(0);
    assertThat(req.timeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(req.headers())
        .containsOnly(
            Map.entry("accept", Secret.of("application/json")),
            Map.entry("X-Team", Secret.of("web")));
    assertThat(req.expect().status().contains(301)).isTrue();
    assertThat(req.expect().status().contains(200)).isTrue();
    assertThat(req.expect().status().contains(303)).isFalse();
    assertThat(req.expect().bodyContains()).isEqualTo("up");
  }

  @Test
  void status_accepts_a_single_code() throws IOException {
    JobFileParser.Result r =
        parse(
            "s.yaml",
            "schedule: \"0 0 12 * * ?\"\n"
                + "expect: { status: 204 }\n"
                + "requests: [https://example.org]\n");

    assertThat(r.problems()).isEmpty();
    assertThat(r.jobs().get(0).requests().get(0).expect().status().toString()).isEqualTo("204");
  }

  @Test
  void misspelt_key_names_the_likely_one() throws IOException {
    String yaml =
        """
        name: orders
        schedule: "0 0 12 * * ?"
        requests: [https://example.org]
        timout: 5s
        """;

    JobFileParser.Result r = parse("orders.yaml", yaml);

    assertThat(problems(r))
        .containsExactly(
            at(
                "orders.yaml",
                4,
                1,
                "unknown key \"timout\" in job \"orders\"; did you mean \"timeout\"?"));
    assertThat(r.jobs()).isEmpty();
  }

  @Test
  void unknown_key_without_a_close_one_lists_the_keys() throws IOException {
    JobFileParser.Result r =
        parse(
            "x.yaml",
            "schedule: \"0 0 12 * * ?\"\nrequests: [https://example.org]\ncolour: blue\n");

    assertThat(problems(r))
        .containsExactly(
            at(
                "x.yaml",
                3,
                1,
                "unknown key \"colour\" in job \"x\"; remove it or use one of: "
                    + String.join(", ", JobReader.JOB_KEYS)));
  }

  @Test
  void misspelt_key_in_a_request_names_the_request() throws IOException {
    String yaml =
        """
        schedule: "0 0 12 * * ?"
        requests:
          - https://example.org/a
          - url: https://example.org/b
            methd: POST
        """;

    JobFileParser.Result r = parse("orders.yaml", yaml);

    assertThat(problems(r))
        .containsExactly(
            at(
                "orders.yaml",
                5,
                5,
                "unknown key \"methd\" in request 2 of job \"orders\"; did you mean \"method\"?"));
  }

  @Test
  void bad_schedule_points_at_the_bad_token_inside_the_string() throws IOException {
    String expr = "*/30 * * * * ? 2020-1999-x";
    int offset;
    String message;
    try {
      dev.cronloop.schedule.Schedules.parse(expr, ZoneId.of("UTC"));
      throw new AssertionError("expected a bad expression");
    } catch (ScheduleException e) {
      offset = e.offset();
      message = e.getMessage();
    }

    JobFileParser.Result r =
        parse("s.yaml", "requests: [https://example.org]\nschedule: \"" + expr + "\"\n");

    // The value starts at column 11 ('"'); its first character is at column 12.
    assertThat(problems(r))
        .containsExactly(at("s.yaml", 2, 12 + offset, "schedule \"" + expr + "\": " + message));
    assertThat(r.jobs()).isEmpty();
  }

  @Test
  void missing_schedule_and_missing_requests_are_both_reported() throws IOException {
    JobFileParser.Result r = parse("empty-job.yaml", "enabled: true\n");

    assertThat(problems(r))
        .containsExactly(
            at(
                "empty-job.yaml",
                1,
                1,
                "job \"empty-job\" has no schedule; add e.g. schedule: \"0 */5 * * * ?\""),
            at(
                "empty-job.yaml",
                1,
                1,
                "job \"empty-job\" has no request; add requests: with a URL, or urlsFrom: a file "
                    + "of URLs"));
  }

  @Test
  void a_job_without_requests_is_a_problem() throws IOException {
    JobFileParser.Result r = parse("n.yaml", "schedule: \"0 0 12 * * ?\"\nrequests: []\n");

    assertThat(problems(r))
        .containsExactly(
            at(
                "n.yaml",
                1,
                1,
                "job \"n\" has no request; add requests: with a URL, or urlsFrom: "
                    + "a file of URLs"));
  }

  static Stream<Arguments> bad_values() {
    return Stream.of(
        Arguments.of(
            "concurrency: 0",
            1,
            14,
            "concurrency must be a whole number of at least 1 (found \"0\"); write e.g."
                + " concurrency: 50"),
        Arguments.of(
            "concurrency: many",
            1,
            14,
            "concurrency must be a whole number of at least 1 (found \"many\"); write e.g."
                + " concurrency: 50"),
        Arguments.of("enabled: yes", 1, 10, "enabled must be true or false (found \"yes\")"),
        Arguments.of(
            "overlap: skipp",
            1,
            10,
            "overlap must be allow, skip, replace or queue (found \"skipp\"); did you mean"
                + " \"skip\"?"),
        Arguments.of(
            "misfire: later",
            1,
            10,
            "misfire must be fire-once or skip (found \"later\"); use fire-once or skip"),
        Arguments.of(
            "timeout: 5 sec",
            1,
            10,
            "timeout must be a duration like 500ms, 5s, 1m30s or 2h (found \"5 sec\")"),
        Arguments.of(
            "timeout: 30", 1, 10, "timeout needs a unit (found \"30\"); write e.g. 30s or 30ms"),
        Arguments.of(
            "timeout: 0s",
            1,
            10,
            "timeout must be more than zero (found \"0s\"); write e.g. timeout: 5s"),
        Arguments.of("jitter: -5s", 1, 9, "jitter must not be negative (found \"-5s\")"),
        Arguments.of(
            "retention: 0d",
            1,
            12,
            "retention must be more than zero (found \"0d\"); write e.g. retention: 5s"),
        Arguments.of(
            "spread: [1]",
            1,
            9,
            "spread must be a duration like 5s (found a list); write e.g. spread: 5s"),
        Arguments.of(
            "zone: Europe/Berln",
            1,
            7,
            "zone is not an IANA time zone (found \"Europe/Berln\"); did you mean"
                + " \"Europe/Berlin\"?"),
        Arguments.of(
            "retries: 3",
            1,
            10,
            "retries must be a mapping (found text); write e.g. retries: { max: 2, backoff: 200ms"
                + " }"),
        Arguments.of(
            "retries: { max: -1 }",
            1,
            17,
            "max must be a whole number of at least 0 (found \"-1\"); write e.g. max: 2"),
        Arguments.of(
            "expect: { status: \"200-2999\" }",
            1,
            19,
            "status must be HTTP codes 100-599 (found \"200-2999\"); write e.g. 200, \"200-299\", "
                + "[200, 201] or \"200,301-302\""),
        Arguments.of(
            "expect: { status: [200, x] }",
            1,
            25,
            "status must be HTTP codes 100-599 (found \"x\"); write e.g. 200, \"200-299\", "
                + "[200, 201] or \"200,301-302\""),
        Arguments.of(
            "expect: { maxLatency: fast }",
            1,
            23,
            "maxLatency must be a duration like 500ms, 5s, 1m30s or 2h (found \"fast\")"),
        Arguments.of(
            "headers: { \"Bad Name\": x }",
            1,
            12,
            "header name \"Bad Name\" in job \"bad\" is not a valid HTTP header name; use letters, "
                + "digits and '-'"),
        Arguments.of(
            "name: \"my job\"",
            1,
            7,
            "name must start with a letter or digit and hold only letters, digits, '.', '_' or '-' "
                + "(found \"my job\"); rename the job"),
        Arguments.of(
            "name: ${JOB}",
            1,
            7,
            "name cannot use ${VAR} (found \"${JOB}\"); write it literally, since every node must "
                + "read the same name"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void bad_values(String line, int lineNo, int column, String message) throws IOException {
    String yaml = line + "\nschedule: \"0 0 12 * * ?\"\nrequests: [https://example.org]\n";

    JobFileParser.Result r = parse("bad.yaml", yaml);

    assertThat(problems(r)).containsExactly(at("bad.yaml", lineNo, column, message));
    assertThat(r.jobs()).isEmpty();
  }

  static Stream<Arguments> bad_requests() {
    return Stream.of(
        Arguments.of(
            "  - ftp://example.org/x",
            4,
            5,
            "url \"ftp://example.org/x\" is not an absolute http or https URL; write it like "
                + "https://example.org/path"),
        Arguments.of(
            "  - /relative/path",
            4,
            5,
            "url \"/relative/path\" is not an absolute http or https URL; write it like "
                + "https://example.org/path"),
        Arguments.of(
            "  - \"http:///nohost\"",
            4,
            5,
            "url \"http:///nohost\" has no host; write it like https://example.org/path"),
        Arguments.of(
            "  - { url: https://example.org, method: FETCH }",
            4,
            41,
            "method is not supported (found \"FETCH\"); use GET, HEAD, POST, PUT, PATCH, DELETE or "
                + "OPTIONS"),
        Arguments.of(
            "  - { method: GET }", 4, 5, "request 2 of job \"r\" has no url; add url: https://..."),
        Arguments.of(
            "  - { url: https://example.org, body: null }",
            4,
            39,
            "body must be text, or a mapping sent as JSON (found no value); write e.g. body: { x: 1 }"),
        Arguments.of(
            "  - [https://example.org]",
            4,
            5,
            "request 2 of job \"r\" must be a URL or a mapping with url: (found a list)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void bad_requests(String line, int lineNo, int column, String message) throws IOException {
    String yaml =
        "schedule: \"0 0 12 * * ?\"\nrequests:\n  - https://example.org/ok\n" + line + "\n";

    JobFileParser.Result r = parse("r.yaml", yaml);

    assertThat(problems(r)).containsExactly(at("r.yaml", lineNo, column, message));
  }

  @Test
  void every_problem_of_a_file_is_reported_in_order() throws IOException {
    String yaml =
        """
        schedule: "0 0 12 * * ?"
        concurrency: 0
        overlap: never
        timout: 5s
        requests:
          - ftp://x
          - url: https://example.org
            method: FETCH
        """;

    JobFileParser.Result r = parse("many.yaml", yaml);

    assertThat(r.problems()).extracting(Problem::line).containsExactly(2, 3, 4, 6, 8);
  }

  @Test
  void missing_variable_points_into_the_string_and_names_the_fix() throws IOException {
    String yaml =
        """
        schedule: "0 0 12 * * ?"
        requests:
          - url: https://example.org
            headers: { X-Key: "key ${NOPE} and ${NOPE2:-ok}" }
        """;

    JobFileParser.Result r = parse("env.yaml", yaml);

    // "key ${NOPE}..." opens at column 23, so "${NOPE}" starts at column 28.
    assertThat(problems(r))
        .containsExactly(
            at("env.yaml", 4, 28, "${NOPE} is not set; export it or write ${NOPE:-fallback}"));
  }

  @Test
  void variable_defaults_apply_when_unset_or_empty() throws IOException {
    JobFileParser p = JobFileParser.withEnv(Map.of("EMPTY", "", "SET", "v"));
    String yaml =
        """
        schedule: "0 0 12 * * ?"
        headers: { A: "${UNSET:-a}", B: "${EMPTY:-b}", C: "${SET:-c}", D: "x$${LITERAL}" }
        requests: [https://example.org]
        """;

    JobFileParser.Result r = p.parse(write("d.yaml", yaml));

    assertThat(r.problems()).isEmpty();
    assertThat(r.jobs().get(0).requests().get(0).headers())
        .containsOnly(
            Map.entry("A", Secret.of("a")),
            Map.entry("B", Secret.of("b")),
            Map.entry("C", Secret.of("v")),
            Map.entry("D", Secret.of("x${LITERAL}")));
  }

  @Test
  void malformed_variable_reference_is_a_problem() throws IOException {
    JobFileParser.Result r =
        parse(
            "m.yaml", "schedule: \"0 0 12 * * ?\"\nrequests: [\"https://example.org/${1BAD}\"]\n");

    assertThat(problems(r))
        .containsExactly(
            at(
                "m.yaml",
                2,
                33,
                "bad variable reference (found \"${1BAD}\"); write ${NAME} or ${NAME:-default},"
                    + " with a name of letters, digits and _, or $${ for a literal ${"));
  }

  @Test
  void yaml_syntax_error_has_its_line_and_column_and_loads_nothing() throws IOException {
    String yaml = "schedule: \"0 0 12 * * ?\"\nname: a\n  requests: [https://example.org]\n";

    JobFileParser.Result r = parse("syntax.yaml", yaml);

    assertThat(r.jobs()).isEmpty();
    assertThat(problems(r))
        .containsExactly(
            at(
                "syntax.yaml",
                3,
                11,
                "YAML syntax error (mapping values are not allowed here); fix the indentation and "
                    + "quoting near here"));
  }

  @Test
  void json_files_are_read_and_their_syntax_errors_located() throws IOException {
    JobFileParser.Result good =
        parse(
            "j.json",
            "{\n  \"schedule\": \"0 0 12 * * ?\",\n  \"requests\": [\"https://example.org\"],\n"
                + "  \"timout\": \"1s\"\n}\n");
    JobFileParser.Result bad = parse("k.json", "{\n  \"schedule\": \"0 0 12 * * ?\",\n}\n");

    assertThat(problems(good))
        .containsExactly(
            at("j.json", 4, 3, "unknown key \"timout\" in job \"j\"; did you mean \"timeout\"?"));
    assertThat(bad.problems()).hasSize(1);
    assertThat(bad.problems().get(0).toString())
        .startsWith(at("k.json", 3, 1, "JSON syntax error ("))
        .endsWith("); fix the brackets, commas and quotes near here");
  }

  @Test
  void a_yaml_stream_holds_several_named_jobs() throws IOException {
    String yaml =
        """
        name: one
        schedule: "*/30 * * * * ?"
        requests: [https://example.org/1]
        ---
        name: two
        schedule: "0 0 12 * * ?"
        requests: [https://example.org/2]
        ---
        """;

    JobFileParser.Result r = parse("stream.yaml", yaml);

    assertThat(r.problems()).isEmpty();
    assertThat(r.jobs()).extracting(JobDefinition::id).containsExactly("one", "two");
    assertThat(r.jobs().get(0).contentHash()).isNotEqualTo(r.jobs().get(1).contentHash());
  }

  @Test
  void unnamed_job_in_a_stream_is_a_problem_and_the_named_one_still_loads() throws IOException {
    String yaml =
        """
        name: one
        schedule: "*/30 * * * * ?"
        requests: [https://example.org/1]
        ---
        schedule: "0 0 12 * * ?"
        requests: [https://example.org/2]
        """;

    JobFileParser.Result r = parse("stream.yaml", yaml);

    assertThat(problems(r))
        .containsExactly(
            at(
                "stream.yaml",
                5,
                1,
                "job 2 of 2 in this file has no name; give every job of a multi-job file a name:"
                    + " key"));
    assertThat(r.jobs()).extracting(JobDefinition::id).containsExactly("one");
  }

  @Test
  void one_name_twice_in_a_stream_loads_neither() throws IOException {
    String yaml =
        """
        name: one
        schedule: "*/30 * * * * ?"
        requests: [https://example.org/1]
        ---
        name: one
        schedule: "0 0 12 * * ?"
        requests: [https://example.org/2]
        """;

    JobFileParser.Result r = parse("stream.yaml", yaml);

    String message = "job id \"one\" is used by 2 jobs in this file; give each a different name:";
    assertThat(problems(r))
        .containsExactly(at("stream.yaml", 1, 7, message), at("stream.yaml", 5, 7, message));
    assertThat(r.jobs()).isEmpty();
  }

  @Test
  void duplicate_key_is_a_problem() throws IOException {
    JobFileParser.Result r =
        parse(
            "dup.yaml",
            "schedule: \"0 0 12 * * ?\"\n"
                + "requests: [https://example.org]\n"
                + "schedule: \"0 0 1 * * ?\"\n");

    assertThat(problems(r))
        .containsExactly(
            at(
                "dup.yaml",
                3,
                1,
                "key \"schedule\" appears twice in job \"dup\"; remove one of them"));
  }

  @Test
  void empty_file_and_non_mapping_document_are_problems() throws IOException {
    assertThat(problems(parse("empty.yaml", "# nothing yet\n")))
        .containsExactly(
            at(
                "empty.yaml",
                1,
                1,
                "no job in this file; write a job (schedule: and requests:) or delete the file"));
    assertThat(problems(parse("list.yaml", "- a\n- b\n")))
        .containsExactly(
            at(
                "list.yaml",
                1,
                1,
                "a job must be a mapping of keys like schedule: and requests: (found a list); write"
                    + " one job per document"));
  }

  @Test
  void urls_from_a_file_beside_the_job_become_requests_with_the_job_defaults() throws IOException {
    Files.createDirectories(dir.resolve("lists"));
    Files.writeString(
        dir.resolve("lists/targets.txt"),
        "# targets\nhttps://example.org/1\n\n   https://${HOST}/2  \n");
    String yaml =
        """
        schedule: "0 0 12 * * ?"
        timeout: 2s
        headers: { Accept: text/plain }
        requests: [https://example.org/0]
        urlsFrom: lists/targets.txt
        """;

    JobFileParser.Result r = parse("u.yaml", yaml);

    assertThat(r.problems()).isEmpty();
    List<RequestSpec> requests = r.jobs().get(0).requests();
    assertThat(requests)
        .extracting(RequestSpec::url)
        .containsExactly(
            "https://example.org/0", "https://example.org/1", "https://api.example.org/2");
    assertThat(requests.get(2).timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(requests.get(2).headers()).containsEntry("Accept", Secret.of("text/plain"));
    assertThat(requests.get(2).method()).isEqualTo("GET");
  }

  @Test
  void urls_from_alone_is_enough_and_its_content_changes_the_hash() throws IOException {
    Path list = dir.resolve("t.txt");
    Files.writeString(list, "https://example.org/1\n");
    Path file = write("u.yaml", "schedule: \"0 0 12 * * ?\"\nurlsFrom: t.txt\n");

    String before = parser.parse(file).jobs().get(0).contentHash();
    String same = parser.parse(file).jobs().get(0).contentHash();
    Files.writeString(list, "https://example.org/2\n");
    String after = parser.parse(file).jobs().get(0).contentHash();

    assertThat(same).isEqualTo(before);
    assertThat(after).isNotEqualTo(before);
  }

  @Test
  void bad_line_in_a_urls_file_points_into_that_file() throws IOException {
    Files.writeString(dir.resolve("t.txt"), "https://example.org/1\n  ftp://example.org/2\n");

    JobFileParser.Result r = parse("u.yaml", "schedule: \"0 0 12 * * ?\"\nurlsFrom: t.txt\n");

    assertThat(problems(r))
        .containsExactly(
            at(
                "t.txt",
                2,
                3,
                "url \"ftp://example.org/2\" is not an absolute http or https URL; write one "
                    + "https://... URL per line, or # for a comment"));
    assertThat(r.jobs()).isEmpty();
  }

  @Test
  void urls_from_may_not_leave_the_jobs_folder() throws IOException {
    Path jobs = Files.createDirectories(dir.resolve("jobs"));
    Files.writeString(dir.resolve("outside.txt"), "https://example.org\n");
    Files.createSymbolicLink(jobs.resolve("link.txt"), dir.resolve("outside.txt"));
    String leave =
        "may not leave the jobs folder (found \"%s\"); put the file in the jobs folder "
            + "and give its path relative to this job file";

    for (String path :
        List.of("../outside.txt", dir.resolve("outside.txt").toString(), "a/../../outside.txt")) {
      Path file = jobs.resolve("u.yaml");
      Files.writeString(file, "schedule: \"0 0 12 * * ?\"\nurlsFrom: \"" + path + "\"\n");

      assertThat(parser.parse(file).problems())
          .extracting(Problem::toString)
          .containsExactly(file + ":2:11: urlsFrom " + leave.formatted(path));
    }
    Path file = jobs.resolve("l.yaml");
    Files.writeString(file, "schedule: \"0 0 12 * * ?\"\nurlsFrom: link.txt\n");
    assertThat(parser.parse(file).problems())
        .extracting(Problem::toString)
        .containsExactly(
            file
                + ":2:11: urlsFrom may not leave the jobs folder (found \"link.txt\", a link to "
                + "outside it); copy the file into the jobs folder");
  }

  @Test
  void missing_urls_file_is_a_problem() throws IOException {
    JobFileParser.Result r = parse("u.yaml", "schedule: \"0 0 12 * * ?\"\nurlsFrom: nope.txt\n");

    assertThat(problems(r))
        .containsExactly(
            at(
                "u.yaml",
                2,
                11,
                "urlsFrom file not found (found \"nope.txt\", looked for "
                    + dir.toAbsolutePath().resolve("nope.txt")
                    + "); create it or fix the path"));
  }

  @Test
  void content_hash_is_stable_and_follows_only_the_jobs_own_document() throws IOException {
    String one = "name: one\nschedule: \"*/30 * * * * ?\"\nrequests: [https://example.org/1]\n";
    String two = "---\nname: two\nschedule: \"0 0 12 * * ?\"\nrequests: [https://example.org/2]\n";
    String twoChanged = two.replace("/2]", "/3]");

    List<JobDefinition> first = parse("s.yaml", one + two).jobs();
    List<JobDefinition> again = parse("s.yaml", one + two).jobs();
    List<JobDefinition> changed = parse("s.yaml", one + twoChanged).jobs();

    assertThat(again.get(0).contentHash()).isEqualTo(first.get(0).contentHash());
    assertThat(again.get(1).contentHash()).isEqualTo(first.get(1).contentHash());
    assertThat(changed.get(0).contentHash()).isEqualTo(first.get(0).contentHash());
    assertThat(changed.get(1).contentHash()).isNotEqualTo(first.get(1).contentHash());
  }

  @Test
  void substituted_values_and_credentials_never_show_in_problems_or_to_string() throws IOException {
    Map<String, String> env =
        Map.of(
            "S_URL", "SECRET-IN-URL",
            "S_HDR", "SECRET-IN-HEADER",
            "S_BODY", "SECRET-IN-BODY",
            "S_CHECK", "SECRET-IN-CHECK",
            "S_BADURL", "SECRET-BAD-URL",
            "S_TIMEOUT", "SECRET-TIMEOUT",
            "S_LIST", "SECRET-IN-LIST");
    JobFileParser p = JobFileParser.withEnv(env);
    Files.writeString(dir.resolve("t.txt"), "https://example.org/${S_LIST}\nftp://${S_LIST}/\n");
    String good =
        """
        name: good
        schedule: "0 0 12 * * ?"
        headers: { Authorization: "Bearer LITERAL-CREDENTIAL", Cookie: "c=LITERAL-COOKIE" }
        expect: { bodyContains: "${S_CHECK}" }
        requests:
          - https://example.org/?k=${S_URL}
          - url: https://example.org/p
            method: POST
            headers: { X-Key: "${S_HDR}" }
            body: '{"k": "${S_BODY}"}'
        """;
    String bad =
        """
        name: bad
        schedule: "0 0 12 * * ?"
        timeout: ${S_TIMEOUT}
        headers: { X-Key: "${S_HDR}", Authorization: "${MISSING}" }
        urlsFrom: t.txt
        requests:
          - ${S_BADURL}
          - url: https://${S_URL}:notaport/
        """;

    JobFileParser.Result r1 = p.parse(write("good.yaml", good));
    JobFileParser.Result r2 = p.parse(write("bad.yaml", bad));
    JobFileParser.Result r3 =
        p.parse(write("dir.yaml", "schedule: \"0 0 12 * * ?\"\nurlsFrom: ${S_URL}/t.txt\n"));

    assertThat(r1.problems()).isEmpty();
    assertThat(r2.problems()).hasSizeGreaterThanOrEqualTo(5);
    StringBuilder shown = new StringBuilder();
    r1.jobs().forEach(j -> shown.append(j).append(j.requests()).append('\n'));
    r1.jobs().forEach(j -> j.requests().forEach(q -> shown.append(q.expect()).append(q.headers())));
    r2.problems().forEach(pr -> shown.append(pr).append('\n'));
    r3.problems().forEach(pr -> shown.append(pr).append('\n'));
    assertThat(r3.problems()).hasSize(1);
    shown.append(r1).append(r2);
    assertThat(shown.toString())
        .doesNotContain("SECRET", "LITERAL-CREDENTIAL", "LITERAL-COOKIE")
        .contains("https://example.org/?k=${S_URL}", "${S_TIMEOUT}", "${S_BADURL}");
    RequestSpec first = r1.jobs().get(0).requests().get(0);
    assertThat(first.url()).isEqualTo("https://example.org/?k=SECRET-IN-URL");
    assertThat(first.headers().get("Authorization").reveal())
        .isEqualTo("Bearer LITERAL-CREDENTIAL");
  }
}
