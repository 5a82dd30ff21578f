package dev.cronloop.server;

import dev.cronloop.definition.JobDefinition;
import dev.cronloop.model.FetchRow;
import dev.cronloop.model.RunStatus;
import dev.cronloop.record.FetchBucket;
import dev.cronloop.record.HistoryQueries;
import dev.cronloop.record.JobFailures;
import dev.cronloop.record.RunQueries;
import dev.cronloop.record.RunRow;
import dev.cronloop.record.Uptime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one answer of {@code GET /api/status} shows, read from the database for one page of jobs:
 * the page itself (filtered and in id order), counts over every job, each job's recent runs,
 * uptime and chart buckets, and the failures of the last 24 hours grouped by job.
 *
 * <p>Runs on: a {@code cronloop-db} worker ({@link #read} is blocking).
 */
record StatusData(
    Instant now,
    List<JobDefinition> page,
    int matched,
    Map<String, Integer> counts,
    Map<String, RunRow> last,
    Map<String, List<RunRow>> history,
    Map<String, Uptime> uptime,
    Map<String, Chart> charts,
    List<FetchRow> failures,
    List<JobFailures> failuresByJob) {

  /** Runs per history strip. */
  static final int HISTORY = 50;

  /** Recent failures listed, and jobs in the failures grouped by job. */
  static final int FAILURES = 20;

  /** One job's chart: its bucket width, its first bucket and the buckets with fetches. */
  record Chart(Duration width, Instant start, List<FetchBucket> buckets) {}

  /** A job is failing when its newest finished run did not pass: FAILED, PARTIAL or INTERRUPTED. */
  static boolean failing(RunRow last) {
    return last != null && (last.status() == RunStatus.FAILED || last.status() == RunStatus.PARTIAL
        || last.status() == RunStatus.INTERRUPTED);
  }

  /**
   * Reads the page of jobs {@code query} selects; the counts, the filters and each job's newest run
   * come from {@code index}. Blocking.
   */
  static StatusData read(StatusIndex index, RunQueries q, StatusQuery query, Instant now) throws Exception {
    List<JobDefinition> matches = index.matching(query);
    List<JobDefinition> page = List.copyOf(query.page(matches));
    List<String> ids = page.stream().map(JobDefinition::id).toList();
    HistoryQueries h = q.history();
    return new StatusData(now, page, matches.size(), index.counts(), index.last(),
        h.recentRuns(ids, HISTORY), h.uptime(ids, now), charts(h, ids, now),
        q.recentFailures(FAILURES), h.failuresByJob(now.minus(ChartBuckets.WINDOW), FAILURES));
  }

  /** Each job's chart, its bucket width adapted to the span of its fetches in the last 24 hours. */
  private static Map<String, Chart> charts(HistoryQueries h, List<String> ids, Instant now) throws Exception {
    Map<String, Instant> first = h.firstFetch(ids, now.minus(ChartBuckets.WINDOW));
    Map<Duration, List<String>> byWidth = new HashMap<>();
    Map<String, Duration> widths = new HashMap<>();
    Map<String, Instant> starts = new HashMap<>();
    Map<String, List<FetchBucket>> buckets = new HashMap<>();
    for (String id : ids) {
      Instant f = first.get(id);
      Duration w = ChartBuckets.width(f, now);
      widths.put(id, w);
      starts.put(id, ChartBuckets.start(f, now, w));
      if (f != null) {
        byWidth.computeIfAbsent(w, k -> new ArrayList<>()).add(id);
      }
    }
    for (Map.Entry<Duration, List<String>> e : byWidth.entrySet()) {
      Instant since = e.getValue().stream().map(starts::get).min(Instant::compareTo).orElse(now);
      for (FetchBucket b : h.buckets(e.getValue(), since, e.getKey())) {
        if (!b.start().isBefore(starts.get(b.jobId()))) {
          buckets.computeIfAbsent(b.jobId(), k -> new ArrayList<>()).add(b);
        }
      }
    }
    Map<String, Chart> charts = new HashMap<>();
    for (String id : ids) {
      charts.put(id, new Chart(widths.get(id), starts.get(id), List.copyOf(buckets.getOrDefault(id, List.of()))));
    }
    return Map.copyOf(charts);
  }
}
