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
        .isEqualTo(Duration.ofSeconds(Long.remainderUnsigned(Spread.fnv1a64("api-health"), 300))
            .plusMillis(100 * Long.remainderUnsigned(Spread.mix(Spread.fnv1a64("api-health")), 10)));
  }

  @Test
  void the_whole_seconds_are_those_of_the_hash_modulo_the_window_and_tenths_come_on_top() {
    for (int i = 0; i < 1000; i++) {
      String id = "job-" + i;
      Duration offset = Spread.offset(id, Duration.ofSeconds(90));
      assertThat(offset.getSeconds()).isEqualTo(Long.remainderUnsigned(Spread.fnv1a64(id), 90));
      assertThat(offset.getNano() % 100_000_000).isZero();
    }
  }

  @Test
  void offsets_are_tenths_of_a_second_inside_the_window_and_spread_over_all_of_them() {
    Duration window = Duration.ofSeconds(60);
    java.util.Map<Duration, Integer> perInstant = new java.util.HashMap<>();

    for (int i = 0; i < 10_000; i++) {
      Duration offset = Spread.offset("job-" + i, window);
      assertThat(offset).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(window);
      assertThat(offset.getNano() % 100_000_000).isZero();
      perInstant.merge(offset, 1, Integer::sum);
    }

    // 600 instants for 10,000 jobs: about 17 each; whole seconds alone would put 167 in each.
    assertThat(perInstant).hasSize(600);
    assertThat(perInstant.values()).allMatch(n -> n <= 40);
    Set<Integer> tenths = new HashSet<>();
    perInstant.keySet().forEach(d -> tenths.add(d.getNano() / 100_000_000));
    assertThat(tenths).hasSize(10);
  }

  @Test
  void a_one_second_window_spreads_over_its_ten_tenths() {
    Set<Duration> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      seen.add(Spread.offset("job-" + i, Duration.ofSeconds(1)));
    }
    assertThat(seen).hasSize(10).allMatch(d -> d.compareTo(Duration.ofSeconds(1)) < 0);
  }

  @Test
  void a_window_under_one_second_gives_nanoseconds_and_zero_gives_zero() {
    assertThat(Spread.offset("x", Duration.ofMillis(500))).isLessThan(Duration.ofMillis(500));
    assertThat(Spread.offset("x", Duration.ZERO)).isZero();
    assertThat(Spread.offset("x", Duration.ofMillis(1500))).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void a_negative_window_is_refused() {
    assertThatThrownBy(() -> Spread.offset("x", Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be negative");
  }
}
