package dev.cronloop.definition;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log lines a new catalog brings (INFO for jobs added, changed and removed, and once when a
 * file that did not load loads again; WARN once for each new problem).
 *
 * <p>Runs on: the thread that publishes catalogs ({@link JobCatalog}'s).
 */
final class CatalogChanges {
  // The catalog's logger: these lines are the catalog's, wherever the code sits.
  private static final Logger log = LoggerFactory.getLogger(JobCatalog.class);
  private static final int NAMED_CHANGES = 20;

  private CatalogChanges() {}

  /**
   * Logs how {@code next} differs from {@code before} (null at the first load): each new problem,
   * jobs kept at their last good version, files that load again, and jobs added, changed and
   * removed (by name up to {@value #NAMED_CHANGES} changes, else as counts).
   */
  static void log(Catalog before, Catalog next, FolderState state) {
    Set<Problem> known = before == null ? Set.of() : new HashSet<>(before.problems());
    for (Problem p : next.problems()) {
      if (!known.contains(p)) {
        log.warn("{}", p);
      }
    }
    for (JobState s : next.states().values()) {
      JobState old = before == null ? null : before.states().get(s.id());
      if (s.status() == JobState.Status.INVALID && (old == null || old.status() != JobState.Status.INVALID) && before != null) {
        log.warn("job \"{}\" keeps running its last good version until {} loads again", s.id(), s.definition().file());
      }
    }
    if (before == null) {
      return;
    }
    Set<Path> stillInvalid = next.invalidFiles().keySet();
    for (Path file : before.invalidFiles().keySet()) {
      if (!stillInvalid.contains(file) && state.knows(file)) {
        List<String> ids = next.jobs().stream().filter(j -> file.equals(j.file())).map(JobDefinition::id).toList();
        log.info("job file {} loads again; {}", file, ids.isEmpty() ? "it holds no job" : "jobs " + ids + " run what it says now");
      }
    }
    Map<String, String> added = new LinkedHashMap<>();
    List<String> changed = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    for (JobDefinition j : next.jobs()) {
      JobDefinition old = before.job(j.id()).orElse(null);
      if (old == null) {
        added.put(j.id(), j.file().getFileName().toString());
      } else if (!old.contentHash().equals(j.contentHash()) || !old.file().equals(j.file())) {
        changed.add(j.id());
      }
    }
    for (JobDefinition j : before.jobs()) {
      if (!next.states().containsKey(j.id())) {
        removed.add(j.id());
      }
    }
    if (added.size() + changed.size() + removed.size() <= NAMED_CHANGES) {
      added.forEach((id, file) -> log.info("job \"{}\" added from {}", id, file));
      changed.forEach(id -> log.info("job \"{}\" changed", id));
      removed.forEach(id -> log.info("job \"{}\" removed", id));
    } else if (added.size() + changed.size() + removed.size() > 0) {
      log.info("jobs: {} added, {} changed, {} removed; {} scheduled",
          added.size(), changed.size(), removed.size(), next.jobs().size());
    }
  }
}
