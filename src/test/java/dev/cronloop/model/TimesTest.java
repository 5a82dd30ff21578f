package dev.cronloop.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The one time format: ISO-8601 UTC with exactly three fractional digits. */
class TimesTest {
  @Test
  void every_instant_prints_with_milliseconds_and_parses_back_to_the_millisecond() {
    assertThat(Times.format(Instant.parse("2026-12-06T09:58:12Z"))).isEqualTo("2026-12-06T09:58:12.000Z");
    assertThat(Times.format(Instant.parse("2026-12-06T09:58:12.04Z"))).isEqualTo("2026-12-06T09:58:12.040Z");
    assertThat(Times.format(Instant.parse("2026-12-06T09:58:12.123456Z"))).isEqualTo("2026-12-06T09:58:12.123Z");
    assertThat(Instant.parse(Times.format(Instant.parse("2026-12-06T09:58:12.5Z"))))
        .isEqualTo(Instant.parse("2026-12-06T09:58:12.500Z"));
    assertThat(Times.format(null)).isNull();
  }
}
