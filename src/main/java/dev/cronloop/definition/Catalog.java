package dev.cronloop.definition;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One reading of a jobs folder: the jobs that are scheduled, the state of each, and every problem
 * found. Immutable; safe to share between threads. A watching {@link JobCatalog} publishes a new
 * one on each change.
 *
 * @param dir the folder as given
 * @param jobs the scheduled jobs (last good versions included), ordered by file name, then by place
 *     in the file
 * @param problems every problem, ordered by file, line and column
 * @param states each scheduled job's state by id, in the order of {@code jobs}
 * @param channels the notice channels of the channels files, by name
 */
public record Catalog(
    Path dir, List<JobDefinition> jobs, List<Problem> problems, Map<String, JobState> states,
    Map<String, Channel> channels) {

  public Catalog {
    jobs = List.copyOf(jobs);
    problems = List.copyOf(problems);
    states = Collections.unmodifiableMap(new LinkedHashMap<>(states));
    channels = Map.copyOf(channels);
  }

  /** A catalog without channels. */
  public Catalog(Path dir, List<JobDefinition> jobs, List<Problem> problems, Map<String, JobState> states) {
    this(dir, jobs, problems, states, Map.of());
  }

  /** A catalog in which every job is {@link JobState.Status#ACTIVE}. */
  public Catalog(Path dir, List<JobDefinition> jobs, List<Problem> problems) {
    this(dir, jobs, problems, activeStates(jobs));
  }

  /** The job with this id, if it is scheduled. */
  public Optional<JobDefinition> job(String id) {
    return state(id).map(JobState::definition);
  }

  /** The state of the job with this id, if it is scheduled. */
  public Optional<JobState> state(String id) {
    return Optional.ofNullable(states.get(id));
  }

  /** True when the folder has no problem at all. */
  public boolean ok() {
    return problems.isEmpty();
  }

  /**
   * The job files that do not load as they are now, each with its problems, in file order: files
   * that never loaded and files whose jobs run their last good version ({@link
   * JobState.Status#INVALID}). Problems of the folder itself are not a file's.
   */
  public Map<Path, List<Problem>> invalidFiles() {
    Map<Path, List<Problem>> files = new LinkedHashMap<>();
    for (Problem p : problems) {
      if (!p.file().equals(dir)) {
        files.computeIfAbsent(p.file(), f -> new java.util.ArrayList<>()).add(p);
      }
    }
    files.replaceAll((f, list) -> List.copyOf(list));
    return Collections.unmodifiableMap(files);
  }

  /** How many loaded jobs are enabled. */
  public long enabledCount() {
    return jobs.stream().filter(JobDefinition::enabled).count();
  }

  private static Map<String, JobState> activeStates(List<JobDefinition> jobs) {
    Map<String, JobState> states = new LinkedHashMap<>();
    for (JobDefinition job : jobs) {
      states.put(job.id(), JobState.active(job));
    }
    return states;
  }
}
