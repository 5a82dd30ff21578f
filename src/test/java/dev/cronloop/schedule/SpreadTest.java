package dev.cronloop.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SpreadTest {

  @Test
  void hash_is_64_bit_fnv_1a_with_its_published_test_vectors() {
    assertThat(Spread.fnv1a64("")).isEqualTo(0xcbf29ce484222325L);
    assertThat(Spread.fnv1a64("a")).isEqualTo(0xaf63dc4c8601ec8cL);
    assertThat(Spread.fnv1a64("foobar")).isEqualTo(0x85944171f73967e8L);
  }

  @Test
  void offset_is_fixed_for_an_id_so_every_node_agrees() {
    assertThat(Spread.offset("api-health", Duration.ofMinutes(5)))
        .isEqualTo(Spread.offset("api-health", Duration.ofMinutes(5)))
        .isEqualTo(Duration.ofSeconds(Long.remainderUnsigned(Spread.fnv1a64("api-health"), 300)));
  }

  @Test
  void offsets_are_whole_seconds_inside_the_window_and_spread_out() {
    Duration window = Duration.ofSeconds(60);
    Set<Duration> seen = new HashSet<>();

    for (int i = 0; i < 1000; i++) {
      Duration offset = Spread.offset("job-" + i, window);
      assertThat(offset).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(window);
      assertThat(offset.getNano()).isZero();
      seen.add(offset);
    }

    assertThat(seen).hasSize(60);
  }

  @Test
  void a_window_under_one_second_gives_nanoseconds_and_zero_gives_zero() {
    assertThat(Spread.offset("x", Duration.ofMillis(500))).isLessThan(Duration.ofMillis(500));
    assertThat(Spread.offset("x", Duration.ZERO)).isZero();
    assertThat(Spread.offset("x", Duration.ofMillis(1500))).isIn(Duration.ZERO,
        Duration.ofSeconds(1));
  }

  @Test
  void a_negative_window_is_refused() {
    assertThatThrownBy(() -> Spread.offset("x", Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be negative");
  }
}
