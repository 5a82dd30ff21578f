package dev.cronloop.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusQueryTest {
  private static StatusQuery parse(Map<String, String> params) {
    return StatusQuery.parse(params.keySet(), n -> params.containsKey(n) ? List.of(params.get(n)) : List.of());
  }

  @Test
  void no_parameters_select_every_job_as_before_paging_existed() {
    StatusQuery q = parse(Map.of());

    assertThat(q).isEqualTo(StatusQuery.ALL);
    assertThat(q.page(List.of(1, 2, 3))).containsExactly(1, 2, 3);
    assertThat(q.nextOffset(3)).isNull();
  }

  @Test
  void a_page_is_cut_from_the_matches_and_names_the_next_offset() {
    StatusQuery q = parse(Map.of("offset", "2", "limit", "2"));

    assertThat(q.page(List.of(1, 2, 3, 4, 5))).containsExactly(3, 4);
    assertThat(q.nextOffset(5)).isEqualTo(4);
    assertThat(q.nextOffset(4)).isNull();
    assertThat(q.page(List.of(1))).isEmpty();
  }

  @Test
  void search_is_case_insensitive_over_id_and_file_and_state_failing_is_its_own_test() {
    StatusQuery q = parse(Map.of("q", "Order", "state", "Failing"));

    assertThat(q.matchesText("orders-sync", null)).isTrue();
    assertThat(q.matchesText("x", "ORDERS.yaml")).isTrue();
    assertThat(q.matchesText("billing", "billing.yaml")).isFalse();
    assertThat(q.matchesState("scheduled", true)).isTrue();
    assertThat(q.matchesState("paused", false)).isFalse();
  }

  @Test
  void bad_parameters_say_what_to_write() {
    assertThatThrownBy(() -> parse(Map.of("page", "2"))).hasMessageContaining("use q, state, offset or limit");
    assertThatThrownBy(() -> parse(Map.of("limit", "0"))).hasMessageContaining("limit must be a whole number from 1 to 100");
    assertThatThrownBy(() -> parse(Map.of("offset", "-1"))).hasMessageContaining("offset");
    assertThatThrownBy(() -> parse(Map.of("state", "asleep"))).hasMessageContaining("failing, paused, invalid, disabled, scheduled");
  }
}
