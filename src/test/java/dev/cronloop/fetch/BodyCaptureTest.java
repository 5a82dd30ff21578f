package dev.cronloop.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.definition.Capture;
import dev.cronloop.model.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure part of body capture: which fetches keep a body, and how its first bytes read. */
class BodyCaptureTest {
  private static final Capture FAILURE = new Capture(16, Capture.When.FAILURE);
  private static final Capture ALWAYS = new Capture(16, Capture.When.ALWAYS);

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void failure_keeps_bodies_of_answered_fetches_that_did_not_end_ok() {
    assertThat(BodyCapture.keeps(FAILURE, Outcome.CHECK_FAILED, true)).isTrue();
    assertThat(BodyCapture.keeps(FAILURE, Outcome.HTTP_ERROR, true)).isTrue();
    assertThat(BodyCapture.keeps(FAILURE, Outcome.TIMEOUT, true)).isTrue();
    assertThat(BodyCapture.keeps(FAILURE, Outcome.OK, true)).isFalse();
    assertThat(BodyCapture.keeps(FAILURE, Outcome.CONNECT_ERROR, false)).isFalse();
    assertThat(BodyCapture.keeps(ALWAYS, Outcome.OK, true)).isTrue();
    assertThat(BodyCapture.keeps(ALWAYS, Outcome.TIMEOUT, false)).isFalse();
    assertThat(BodyCapture.keeps(Capture.NEVER, Outcome.HTTP_ERROR, true)).isFalse();
  }

  @Test
  void text_is_decoded_in_the_charset_of_its_content_type() {
    byte[] latin1 = "Grüße".getBytes(StandardCharsets.ISO_8859_1);

    assertThat(BodyCapture.text("text/plain; charset=ISO-8859-1", latin1, latin1.length, true, List.of()))
        .isEqualTo("Grüße");
    assertThat(BodyCapture.text("application/problem+json", utf8("{\"a\":\"é\"}"), 10, true, List.of()))
        .isEqualTo("{\"a\":\"é\"}");
    assertThat(BodyCapture.text("text/plain; charset=no-such-set", utf8("é"), 2, true, List.of()))
        .as("an unknown charset reads as UTF-8").isEqualTo("é");
  }

  @Test
  void a_longer_body_is_truncated_and_marked_without_half_a_character() {
    byte[] head = Arrays.copyOf(utf8("abcdefghijklmno€"), 16); // the euro sign's last two bytes are cut off

    assertThat(BodyCapture.text("text/plain", head, 10_240, true, List.of()))
        .isEqualTo("abcdefghijklmno\n…[truncated: first 16 of 10,240 bytes]");
    assertThat(BodyCapture.text(null, head, 10_240, false, List.of()))
        .isEqualTo("abcdefghijklmno\n…[truncated: first 16 of 10,240 bytes received; the body did not end]");
  }

  @Test
  void anything_else_is_a_note_with_its_type_and_size() {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2};

    assertThat(BodyCapture.text("image/png", png, 10_240, true, List.of()))
        .isEqualTo("[binary image/png, 10,240 bytes]");
    assertThat(BodyCapture.text(null, png, 7, true, List.of()))
        .isEqualTo("[binary (no Content-Type), 7 bytes]");
    assertThat(BodyCapture.text(null, utf8("plain words"), 11, true, List.of()))
        .as("no Content-Type, but UTF-8 text").isEqualTo("plain words");
  }

  @Test
  void nul_characters_cannot_reach_the_database() {
    assertThat(BodyCapture.text("text/plain", new byte[] {'a', 0, 'b'}, 3, true, List.of()))
        .isEqualTo("a\uFFFDb");
  }

  @Test
  void credentials_the_request_sent_are_hidden_even_when_cut_short() {
    List<String> secrets = List.of("Bearer s3cr3t-token");

    assertThat(BodyCapture.hide("you sent Bearer s3cr3t-token", secrets, false))
        .isEqualTo("you sent ***");
    assertThat(BodyCapture.hide("you sent Bearer s3c", secrets, true)).isEqualTo("you sent ***");
    assertThat(BodyCapture.hide("you sent Bear", secrets, true))
        .as("four characters or more of a secret's start are hidden").isEqualTo("you sent ***");
  }

  @Test
  void the_head_keeps_only_its_limit() {
    BodyCapture.Head head = new BodyCapture.Head(5);

    head.add(utf8("abc"));
    head.add(utf8("defg"));

    assertThat(new String(head.bytes(), StandardCharsets.UTF_8)).isEqualTo("abcde");
    assertThat(head.room()).isZero();
  }
}
