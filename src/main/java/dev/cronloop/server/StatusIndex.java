package dev.cronloop.server;

import dev.cronloop.definition.Catalog;
import dev.cronloop.definition.JobDefinition;
import dev.cronloop.record.RunRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The jobs of one catalog in id order with what the status filters read: each job's search keys,
 * its state and whether it is failing, the counts per state over every job, and each job's newest
 * finished run. {@code GET /api/status} and a filtered {@code GET /api/jobs} read it instead of
 * sorting, counting and filtering the whole catalog on every poll; {@link StatusIndexCache} builds
 * a new one only when what it shows may have changed. Immutable; {@link #build} is pure.
 */
final class StatusIndex {
  /** The state filters' names, in the order the page shows their counts. */
  static final List<String> COUNTS = List.of("jobs", "failing", "paused", "invalid", "disabled", "scheduled");

  private record Entry(JobDefinition job, String id, String file, String state, boolean failing) {}

  private final List<Entry> entries;
  private final List<JobDefinition> jobs;
  private final Map<String, Integer> counts;
  private final Map<String, RunRow> last;

  private StatusIndex(List<Entry> entries, Map<String, Integer> counts, Map<String, RunRow> last) {
    this.entries = entries;
    this.jobs = entries.stream().map(Entry::job).toList();
    this.counts = counts;
    this.last = last;
  }

  /**
   * Indexes {@code catalog}.
   *
   * @param last each job's newest finished run, by job id
   * @param stateOf the state the API shows for a job ({@code scheduled}, {@code paused} ...)
   */
  static StatusIndex build(Catalog catalog, Map<String, RunRow> last,
      BiFunction<Catalog, JobDefinition, String> stateOf) {
    List<JobDefinition> sorted = new ArrayList<>(catalog.jobs());
    sorted.sort(Comparator.comparing(JobDefinition::id));
    Map<String, Integer> counts = new HashMap<>();
    COUNTS.forEach(k -> counts.put(k, 0));
    List<Entry> entries = new ArrayList<>(sorted.size());
    for (JobDefinition j : sorted) {
      String state = stateOf.apply(catalog, j);
      boolean failing = StatusData.failing(last.get(j.id()));
      counts.merge("jobs", 1, Integer::sum);
      counts.merge(state, 1, Integer::sum);
      if (failing) {
        counts.merge("failing", 1, Integer::sum);
      }
      String file = j.file() == null || j.file().getFileName() == null ? null
          : j.file().getFileName().toString().toLowerCase(Locale.ROOT);
      entries.add(new Entry(j, j.id().toLowerCase(Locale.ROOT), file, state, failing));
    }
    return new StatusIndex(List.copyOf(entries), Map.copyOf(counts), Map.copyOf(last));
  }

  /** The jobs {@code query} selects (before paging), in id order. */
  List<JobDefinition> matching(StatusQuery query) {
    if (query.text() == null && query.state() == null) {
      return jobs;
    }
    List<JobDefinition> out = new ArrayList<>();
    for (Entry e : entries) {
      if (query.matchesText(e.id(), e.file()) && query.matchesState(e.state(), e.failing())) {
        out.add(e.job());
      }
    }
    return out;
  }

  /** Jobs per state over every job, under the names of {@link #COUNTS}. */
  Map<String, Integer> counts() {
    return counts;
  }

  /** Each job's newest finished run, by job id, as read when the index was built. */
  Map<String, RunRow> last() {
    return last;
  }
}
