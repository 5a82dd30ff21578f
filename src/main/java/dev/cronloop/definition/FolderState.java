package dev.cronloop.definition;

import dev.cronloop.definition.JobFileParser.Located;
import dev.cronloop.definition.JobFileParser.LocatedResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a jobs folder holds, file by file, and the {@link Catalog} that follows from it. Each file
 * keeps its latest reading and its last good one: a file that stops loading (half written, a typo,
 * emptied) keeps its last good jobs scheduled, marked {@link JobState.Status#INVALID} with the
 * file's problems, until it loads again.
 *
 * <p>One id in two files is a problem in each. Neither file's version wins: the job scheduled under
 * that id before the clash (if one of the two files held it) keeps running; otherwise neither
 * loads.
 *
 * <p>Confined to: the one thread that reads the folder (the catalog thread, or a one-off load).
 */
final class FolderState {
  private final Path dir;
  // Every file is in one folder, so path order is file name order.
  private final Map<Path, Entry> files = new TreeMap<>();
  private Map<String, JobDefinition> scheduled = Map.of();

  FolderState(Path dir) {
    this.dir = dir;
  }

  /** One job file: its latest reading, and its latest reading without problems (or null). */
  private static final class Entry {
    LocatedResult now;
    List<Located> lastGood;
    List<Channel> lastGoodChannels;
  }

  /** Records a new reading of {@code file}. */
  void put(Path file, LocatedResult reading) {
    Entry e = files.computeIfAbsent(file, f -> new Entry());
    e.now = reading;
    if (reading.problems().isEmpty()) {
      e.lastGood = reading.jobs();
      e.lastGoodChannels = reading.channels();
    }
  }

  /** Forgets a file that is gone, with its jobs. */
  void remove(Path file) {
    files.remove(file);
  }

  boolean knows(Path file) {
    return files.containsKey(file);
  }

  Set<Path> files() {
    return files.keySet();
  }

  /** The job files that read {@code dep} through {@code urlsFrom}. */
  List<Path> readersOf(Path dep) {
    List<Path> readers = new ArrayList<>();
    files.forEach(
        (file, e) -> {
          if (e.now.reads().contains(dep)) {
            readers.add(file);
          }
        });
    return readers;
  }

  /** Every file named by a {@code urlsFrom}, found or not. */
  Set<Path> reads() {
    Set<Path> reads = new LinkedHashSet<>();
    for (Entry e : files.values()) {
      reads.addAll(e.now.reads());
    }
    return reads;
  }

  /**
   * The catalog as the files stand now, and the one the next call compares with for id clashes.
   *
   * @param folderProblems problems of the folder itself (it is gone, it cannot be listed)
   */
  Catalog snapshot(List<Problem> folderProblems) {
    List<Problem> problems = new ArrayList<>(folderProblems);
    Map<String, List<Claim>> byId = new LinkedHashMap<>();
    for (Map.Entry<Path, Entry> f : files.entrySet()) {
      Entry e = f.getValue();
      problems.addAll(e.now.problems());
      boolean fine = e.now.problems().isEmpty();
      List<Located> jobs = fine || e.lastGood == null ? e.now.jobs() : e.lastGood;
      for (Located l : jobs) {
        byId.computeIfAbsent(l.job().id(), k -> new ArrayList<>()).add(new Claim(f.getKey(), l, e));
      }
    }
    Map<String, Channel> channels = channels(problems);
    List<JobDefinition> jobs = new ArrayList<>();
    Map<String, JobState> states = new LinkedHashMap<>();
    for (Map.Entry<String, List<Claim>> c : byId.entrySet()) {
      JobState state =
          c.getValue().size() == 1 ? stateOf(c.getValue().get(0)) : clash(c.getKey(), c.getValue(), problems);
      if (state != null) {
        state = checkChannels(state, channels, problems);
        jobs.add(state.definition());
        states.put(state.id(), state);
      }
    }
    problems.sort(
        Comparator.comparing((Problem p) -> p.file().toString())
            .thenComparingInt(Problem::line)
            .thenComparingInt(Problem::column));
    Map<String, JobDefinition> now = new HashMap<>();
    jobs.forEach(j -> now.put(j.id(), j));
    scheduled = now;
    return new Catalog(dir, jobs, problems, states, channels);
  }

  /**
   * The channels of every channels file (a file with problems keeps its last good channels); a
   * name defined in two files is a problem in the second, and the first one's definition counts.
   */
  private Map<String, Channel> channels(List<Problem> problems) {
    Map<String, Channel> channels = new LinkedHashMap<>();
    for (Entry e : files.values()) {
      boolean fine = e.now.problems().isEmpty();
      List<Channel> own = fine || e.lastGoodChannels == null ? e.now.channels() : e.lastGoodChannels;
      for (Channel c : own) {
        Channel first = channels.putIfAbsent(c.name(), c);
        if (first != null) {
          problems.add(new Problem(c.place().file(), c.place().line(), c.place().column(),
              "channel \"" + c.name() + "\" is also defined in " + first.place().file() + ":" + first.place().line()
                  + "; give one of them another name (the first one is used)"));
        }
      }
    }
    return channels;
  }

  /**
   * A job whose notify names a channel no channels file defines: a problem at the name, and the job
   * keeps running (marked invalid) and tells the channels that exist.
   */
  private static JobState checkChannels(JobState state, Map<String, Channel> channels, List<Problem> problems) {
    Notify notify = state.definition().notices();
    if (notify == null) {
      return state;
    }
    List<Problem> own = new ArrayList<>();
    for (Notify.ChannelRef ref : notify.channels()) {
      if (!channels.containsKey(ref.name())) {
        String fix = Spelling.closest(ref.name(), channels.keySet())
            .map(n -> "did you mean \"" + n + "\"?")
            .orElse("define it under channels: in a channels file of this folder");
        own.add(new Problem(state.definition().file(), ref.line(), ref.column(),
            "notify names channel \"" + ref.name() + "\", which no channels file defines; " + fix));
      }
    }
    if (own.isEmpty()) {
      return state;
    }
    problems.addAll(own);
    List<Problem> all = new ArrayList<>(state.problems());
    all.addAll(own);
    return new JobState(state.id(), state.definition(), JobState.Status.INVALID, all);
  }

  private record Claim(Path file, Located job, Entry entry) {}

  private static JobState stateOf(Claim c) {
    List<Problem> fileProblems = c.entry().now.problems();
    JobDefinition job = c.job().job();
    return fileProblems.isEmpty()
        ? JobState.active(job)
        : new JobState(job.id(), job, JobState.Status.INVALID, fileProblems);
  }

  private JobState clash(String id, List<Claim> claims, List<Problem> problems) {
    JobDefinition was = scheduled.get(id);
    JobDefinition before =
        was != null && claims.stream().anyMatch(c -> c.file().equals(was.file())) ? was : null;
    String keep =
        before == null
            ? "(neither loads until then)"
            : "(the job loaded before from " + before.file() + " keeps running until then)";
    List<Problem> own = new ArrayList<>();
    for (Claim c : claims) {
      List<String> others = new ArrayList<>();
      for (Claim o : claims) {
        if (o != c) {
          others.add(o.file().toString());
        }
      }
      own.add(
          new Problem(
              c.file(),
              c.job().line(),
              c.job().column(),
              "job id \""
                  + id
                  + "\" is also used in "
                  + String.join(", ", others)
                  + "; give one of them another name: "
                  + keep));
    }
    problems.addAll(own);
    return before == null ? null : new JobState(id, before, JobState.Status.INVALID, own);
  }
}
