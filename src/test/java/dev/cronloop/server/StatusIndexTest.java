package dev.cronloop.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.definition.Catalog;
import dev.cronloop.definition.JobDefinition;
import dev.cronloop.definition.JobFileParser;
import dev.cronloop.model.RunStatus;
import dev.cronloop.model.Trigger;
import dev.cronloop.record.RunRow;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The status index: counts and filters over every job, and a cache that builds it again only when
 * the catalog, the paused jobs or a run's end may have changed what it shows, or once it is old.
 */
class StatusIndexTest {
  private static final Instant T = Instant.parse("2026-12-06T10:00:00Z");

  private final AtomicLong runsEnded = new AtomicLong();
  private final AtomicReference<Set<String>> paused = new AtomicReference<>(Set.of());
  private final AtomicLong nanos = new AtomicLong();
  private final AtomicInteger reads = new AtomicInteger();
  private final Map<String, RunRow> last = new HashMap<>();
  private final StatusIndexCache cache = new StatusIndexCache(runsEnded::get, paused::get, () -> {
    reads.incrementAndGet();
    return Map.copyOf(last);
  }, (catalog, job) -> paused.get().contains(job.id()) ? "paused" : "scheduled", nanos::get);

  @Test
  void the_index_counts_every_job_and_filters_in_id_order() throws Exception {
    Catalog catalog = catalog("orders", "billing", "audit");
    last.put("billing", run("billing", RunStatus.FAILED));
    paused.set(Set.of("audit"));

    StatusIndex index = cache.current(catalog);

    assertThat(index.counts()).containsEntry("jobs", 3).containsEntry("failing", 1).containsEntry("paused", 1)
        .containsEntry("scheduled", 2);
    assertThat(ids(index.matching(StatusQuery.ALL))).containsExactly("audit", "billing", "orders");
    assertThat(ids(index.matching(new StatusQuery(null, "failing", 0, 0)))).containsExactly("billing");
    assertThat(ids(index.matching(new StatusQuery("ord", null, 0, 0)))).containsExactly("orders");
    assertThat(ids(index.matching(new StatusQuery("yaml", "paused", 0, 0)))).containsExactly("audit");
  }

  @Test
  void polls_share_one_index_until_a_run_ends_a_job_is_paused_or_the_catalog_changes() throws Exception {
    Catalog catalog = catalog("a", "b");
    StatusIndex first = cache.current(catalog);

    assertThat(cache.current(catalog)).isSameAs(first);
    last.put("a", run("a", RunStatus.FAILED));
    runsEnded.incrementAndGet();
    StatusIndex afterRun = cache.current(catalog);
    paused.set(Set.of("b"));
    StatusIndex afterPause = cache.current(catalog);
    Catalog reloaded = catalog("a", "b", "c");
    StatusIndex afterReload = cache.current(reloaded);

    assertThat(afterRun).isNotSameAs(first);
    assertThat(afterRun.counts()).containsEntry("failing", 1);
    assertThat(afterPause.counts()).containsEntry("paused", 1);
    assertThat(afterReload.counts()).containsEntry("jobs", 3);
    assertThat(cache.current(reloaded)).isSameAs(afterReload);
    assertThat(reads.get()).as("newest runs read once per build").isEqualTo(4);
  }

  @Test
  void an_index_older_than_its_max_age_is_built_again_for_rows_other_processes_wrote() throws Exception {
    Catalog catalog = catalog("a");
    StatusIndex first = cache.current(catalog);
    last.put("a", run("a", RunStatus.PARTIAL)); // another node's run: this engine hears nothing

    nanos.addAndGet(StatusIndexCache.MAX_AGE.toNanos() - 1);
    StatusIndex young = cache.current(catalog);
    nanos.addAndGet(1);
    StatusIndex old = cache.current(catalog);

    assertThat(young).isSameAs(first);
    assertThat(old.counts()).containsEntry("failing", 1);
  }

  private static Catalog catalog(String... ids) {
    List<JobDefinition> jobs = new java.util.ArrayList<>();
    for (String id : ids) {
      String yaml = "schedule: \"0 0 0 1 1 ? 2099\"\nrequests:\n  - http://127.0.0.1:1/" + id + "\n";
      JobFileParser.Result r = JobFileParser.withEnv(Map.of()).parse(Path.of("/jobs/" + id + ".yaml"), yaml);
      assertThat(r.problems()).as(yaml).isEmpty();
      jobs.add(r.jobs().get(0));
    }
    return new Catalog(Path.of("/jobs"), jobs, List.of());
  }

  private static RunRow run(String job, RunStatus status) {
    return new RunRow(1, job, "n1", Trigger.SCHEDULE, T, T, T, T, status, 1, 0, 1);
  }

  private static List<String> ids(List<JobDefinition> jobs) {
    return jobs.stream().map(JobDefinition::id).toList();
  }
}
