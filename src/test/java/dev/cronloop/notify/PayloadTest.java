package dev.cronloop.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PayloadTest {
  private static final Instant T = Instant.parse("2026-12-06T10:00:00Z");

  @Test
  void a_sample_carries_the_first_500_characters_of_a_captured_body() {
    String body = "{\"error\":\"" + "x".repeat(600) + "\"}";
    JsonObject s = Payload.sample(fetch(body));
    assertThat(s.getString("body")).hasSize(Payload.BODY_CHARS).isEqualTo(body.substring(0, 500));
    assertThat(s.getString("outcome")).isEqualTo("CHECK_FAILED");
    assertThat(s.getInteger("status")).isEqualTo(503);
  }

  @Test
  void without_a_capture_a_sample_has_no_body_key() {
    assertThat(Payload.sample(fetch(null)).containsKey("body")).isFalse();
  }

  @Test
  void a_cut_never_splits_a_character_outside_the_basic_plane() {
    String text = "a".repeat(499) + "😀" + "b";
    assertThat(Payload.start(text, 500)).isEqualTo("a".repeat(499));
    assertThat(Payload.start("short", 500)).isEqualTo("short");
  }

  private static FetchRow fetch(String body) {
    return new FetchRow(7, "routers", "http://127.0.0.1:1/r1", "GET", 1, 503, Outcome.CHECK_FAILED,
        "status 503 not in 200-299", 12, 40, T, T, body);
  }
}
