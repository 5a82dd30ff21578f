package dev.cronloop.definition;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code capture} option (issue 16): read on a job and a request, and its problems located. */
class CaptureOptionTest {
  @TempDir Path dir;

  private JobFileParser.Result parse(String body) throws IOException {
    Path file = dir.resolve("j.yaml");
    Files.writeString(file, "schedule: \"0 0 12 * * ?\"\n" + body);
    return JobFileParser.withEnv(Map.of()).parse(file);
  }

  @Test
  void without_capture_no_body_is_kept() throws IOException {
    RequestSpec r = parse("requests: [https://example.org]\n").jobs().get(0).requests().get(0);

    assertThat(r.capture()).isEqualTo(Capture.NEVER);
    assertThat(r.capture().wanted()).isFalse();
  }

  @Test
  void the_job_capture_reaches_each_request_and_a_request_capture_replaces_it() throws IOException {
    JobFileParser.Result r = parse("""
        capture: { body: 4KiB, when: failure }
        requests:
          - https://example.org/a
          - { url: https://example.org/b, capture: { when: always } }
          - { url: https://example.org/c, capture: { body: 512B, when: never } }
          - { url: https://example.org/d, capture: { body: 64KiB, when: always } }
        """);

    assertThat(r.problems()).isEmpty();
    var requests = r.jobs().get(0).requests();
    assertThat(requests.get(0).capture()).isEqualTo(new Capture(4096, Capture.When.FAILURE));
    assertThat(requests.get(1).capture()).isEqualTo(new Capture(Capture.DEFAULT_BYTES, Capture.When.ALWAYS));
    assertThat(requests.get(2).capture()).isEqualTo(Capture.NEVER);
    assertThat(requests.get(3).capture()).isEqualTo(new Capture(65536, Capture.When.ALWAYS));
  }

  @Test
  void each_wrong_capture_is_a_problem_at_its_place_that_names_the_fix() throws IOException {
    JobFileParser.Result r = parse("""
        requests:
          - { url: https://example.org/a, capture: { body: 1MiB, when: failure } }
          - { url: https://example.org/b, capture: { body: 4KiB, when: sometimes } }
          - { url: https://example.org/c, capture: { body: 4KiB } }
          - { url: https://example.org/d, capture: always }
          - { url: https://example.org/e, capture: { when: always, size: 1KiB } }
        """);

    assertThat(r.problems()).extracting(p -> p.toString().replace(dir + "/", "")).containsExactly(
        "j.yaml:3:52: capture.body must be a size from 1 byte to 64KiB (found \"1MiB\");"
            + " write e.g. body: 4KiB, 512B or 16384",
        "j.yaml:4:64: capture.when must be failure, always or never (found \"sometimes\");"
            + " failure keeps the body of fetches that had a response but did not end OK",
        "j.yaml:5:44: capture needs when: failure, always or never in request 3 of job \"j\";"
            + " write e.g. capture: { body: 4KiB, when: failure }",
        "j.yaml:6:44: capture must be a mapping (found text); write e.g."
            + " capture: { body: 4KiB, when: failure }",
        "j.yaml:7:60: unknown key \"size\" in capture in request 5 of job \"j\";"
            + " remove it or use one of: body, when");
  }
}
