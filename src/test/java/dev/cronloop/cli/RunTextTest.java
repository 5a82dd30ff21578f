package dev.cronloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.model.Outcome;
import dev.cronloop.record.RunQueries.FailureCount;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The text of {@code cronloop runs}, from the API's JSON: pure. */
class RunTextTest {
  private static JsonObject fetch(String outcome, Integer status, String error) {
    return new JsonObject().put("run", 3).put("job", "j").put("url", "http://127.0.0.1:1/x")
        .put("method", "GET").put("attempts", 1).put("statusCode", status).put("outcome", outcome)
        .put("error", error).put("latencyMs", 4).put("bytes", 2);
  }

  private static JsonObject run(JsonArray fetches) {
    return new JsonObject().put("id", 3).put("job", "j").put("node", "n").put("trigger", "MANUAL")
        .put("status", "FAILED").put("firedAt", "2026-12-06T10:00:00.000Z").put("durationMs", 9)
        .put("requests", fetches.size()).put("ok", 0).put("failed", fetches.size()).put("fetches", fetches);
  }

  @Test
  void a_captured_body_is_printed_indented_below_its_fetch_and_a_fetch_without_one_has_no_body_line() {
    JsonArray fetches = new JsonArray()
        .add(fetch("CHECK_FAILED", 200, "body does not contain \"ok\"").put("body", "{\"status\":\n  \"down\"}"))
        .add(fetch("HTTP_ERROR", 503, "status 503 not in 200-299").putNull("body"));

    List<String> lines = RunText.detail(run(fetches));

    int first = lines.indexOf(lines.stream().filter(l -> l.startsWith("CHECK_FAILED")).findFirst().orElseThrow());
    assertThat(lines.subList(first + 1, first + 4)).containsExactly("  body:", "    {\"status\":", "      \"down\"}");
    assertThat(lines.get(first + 4)).startsWith("HTTP_ERROR");
    assertThat(lines).filteredOn(l -> l.contains("body:")).hasSize(1);
  }

  @Test
  void a_run_without_fetches_says_so() {
    assertThat(RunText.detail(run(new JsonArray()))).contains("no fetches recorded");
  }

  @Test
  void reasons_name_the_three_most_frequent_failures_and_count_the_rest() {
    Map<Long, String> why = RunText.reasons(Map.of(3L, List.of(
        new FailureCount(Outcome.TIMEOUT, null, 9),
        new FailureCount(Outcome.HTTP_ERROR, "status 503 not in 200-299", 4),
        new FailureCount(Outcome.CONNECT_ERROR, "connection refused", 2),
        new FailureCount(Outcome.DNS_ERROR, "unknown host", 1))));

    assertThat(why).containsExactly(Map.entry(3L,
        "TIMEOUT (9), status 503 not in 200-299 (4), connection refused (2), +1 more"));
  }
}
