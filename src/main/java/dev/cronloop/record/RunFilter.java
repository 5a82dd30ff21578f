package dev.cronloop.record;

import dev.cronloop.model.RunStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which runs {@link RunQueries#runs(RunFilter)} reads, newest first: what {@code cronloop runs}
 * asks for with {@code --job}, {@code --status}, {@code --failed} and {@code --since}.
 *
 * @param job only this job, or null for all
 * @param statuses only runs in one of these statuses; empty for all
 * @param since only runs fired at or after this instant, or null
 * @param before only ids below this one, or null
 * @param limit at most this many, at least 1
 */
public record RunFilter(String job, Set<RunStatus> statuses, Instant since, Long before, int limit) {
  public RunFilter {
    statuses = Set.copyOf(statuses);
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
  }

  /** Every run, newest first, at most {@code limit}. */
  public static RunFilter latest(int limit) {
    return new RunFilter(null, Set.of(), null, null, limit);
  }

  /** The WHERE clause (from {@code WHERE 1 = 1}) and its arguments, in order. */
  String where(List<Object> args) {
    StringBuilder sql = new StringBuilder(" WHERE 1 = 1");
    if (job != null) {
      sql.append(" AND job_id = ?");
      args.add(job);
    }
    if (!statuses.isEmpty()) {
      List<String> marks = new ArrayList<>();
      statuses.stream().map(RunStatus::name).sorted().forEach(s -> {
        marks.add("?");
        args.add(s);
      });
      sql.append(" AND status IN (").append(String.join(", ", marks)).append(')');
    }
    if (since != null) {
      sql.append(" AND fired_at >= ?");
      args.add(since);
    }
    if (before != null) {
      sql.append(" AND id < ?");
      args.add(before);
    }
    return sql.toString();
  }
}
