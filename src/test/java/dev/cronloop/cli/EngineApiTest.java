package dev.cronloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How an unknown job is answered: the ids a typo away, else some of the known ones. Pure. */
class EngineApiTest {
  static final URI BASE = URI.create("http://127.0.0.1:8080");

  @Test
  void a_typo_names_the_nearest_ids_closest_first() {
    String hint = EngineApi.nearest("api-helth", List.of("orders", "api-health", "api-health-eu", "api-heath"), BASE);

    assertThat(hint).as("api-health-eu is 4 edits away").isEqualTo("; did you mean api-health or api-heath?");
  }

  @Test
  void a_word_far_from_every_id_lists_ten_known_ids_and_how_many_more() {
    List<String> known = IntStream.range(0, 12).mapToObj(i -> "job-" + (char) ('a' + i)).toList();

    String hint = EngineApi.nearest("zzzzzzzzzzzz", known, BASE);

    assertThat(hint).startsWith("; known jobs: job-a, job-b").contains("job-j and 2 more")
        .endsWith("(cronloop jobs --api http://127.0.0.1:8080 lists them)");
  }

  @Test
  void an_engine_without_jobs_says_so() {
    assertThat(EngineApi.nearest("x", List.of(), BASE)).isEqualTo("; it has no jobs");
  }
}
