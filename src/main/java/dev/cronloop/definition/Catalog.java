package dev.cronloop.definition;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One reading of a jobs folder: the jobs that loaded and every problem found. Immutable; safe to
 * share between threads.
 *
 * @param dir the folder as given
 * @param jobs the loaded jobs, ordered by file name, then by place in the file
 * @param problems every problem, ordered by file, line and column
 */
public record Catalog(Path dir, List<JobDefinition> jobs, List<Problem> problems) {

  public Catalog {
    jobs = List.copyOf(jobs);
    problems = List.copyOf(problems);
  }

  /** The job with this id, if it loaded. */
  public Optional<JobDefinition> job(String id) {
    return jobs.stream().filter(j -> j.id().equals(id)).findFirst();
  }

  /** True when the folder has no problem at all. */
  public boolean ok() {
    return problems.isEmpty();
  }

  /** How many loaded jobs are enabled. */
  public long enabledCount() {
    return jobs.stream().filter(JobDefinition::enabled).count();
  }
}
