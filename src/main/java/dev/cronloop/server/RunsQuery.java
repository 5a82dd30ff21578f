package dev.cronloop.server;

import dev.cronloop.model.RunStatus;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** The validated query of {@code GET /api/runs}. */
record RunsQuery(String job, RunStatus status, Long before, int limit) {
  /** Runs per page when {@code limit} is not given, and the most a page may hold. */
  static final int DEFAULT_LIMIT = 50;

  static final int MAX_LIMIT = 1000;
  private static final Set<String> RUN_PARAMS = Set.of("job", "status", "limit", "before");

  static RunsQuery parse(Set<String> names, java.util.function.Function<String, List<String>> values) {
    for (String n : names) {
      if (!RUN_PARAMS.contains(n)) {
        throw new IllegalArgumentException(
            "unknown parameter \"" + n + "\"; use job, status, limit or before");
      }
      if (values.apply(n).size() > 1) {
        throw new IllegalArgumentException("parameter \"" + n + "\" is given more than once");
      }
    }
    String job = one(values, "job");
    if (job != null && (job.isBlank() || job.length() > 255)) {
      throw new IllegalArgumentException("job must be a job id of 1-255 characters");
    }
    String statusText = one(values, "status");
    RunStatus status = null;
    if (statusText != null) {
      try {
        status = RunStatus.valueOf(statusText.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("status must be one of " + Arrays.toString(RunStatus.values())
            + "; got \"" + statusText + "\"");
      }
    }
    String limitText = one(values, "limit");
    int limit = DEFAULT_LIMIT;
    if (limitText != null) {
      long l = positiveLong("limit", limitText);
      if (l > MAX_LIMIT) {
        throw new IllegalArgumentException("limit must be 1-" + MAX_LIMIT + "; got " + limitText);
      }
      limit = (int) l;
    }
    String beforeText = one(values, "before");
    Long before = beforeText == null ? null : positiveLong("before", beforeText);
    return new RunsQuery(job, status, before, limit);
  }

  static long positiveLong(String name, String text) {
    try {
      long v = Long.parseLong(text);
      if (v >= 1) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a whole number >= 1; got \"" + text + "\"");
  }

  private static String one(java.util.function.Function<String, List<String>> values, String name) {
    List<String> v = values.apply(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }
}
