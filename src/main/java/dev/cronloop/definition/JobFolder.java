package dev.cronloop.definition;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Reads every job file directly in a jobs folder into one {@link Catalog} (DESIGN.md, "Job files"),
 * once. A bad file never stops the good ones. An id used in two files is a problem in each, and
 * neither of those jobs loads. {@link JobCatalog} does the same reading and then follows changes.
 *
 * <p>Runs on: a worker or catalog thread. It does plain blocking file I/O, never on the event loop.
 */
public final class JobFolder {

  private JobFolder() {}

  /**
   * Loads {@code dir}. Never throws for a bad folder or file; those are problems in the catalog.
   *
   * @param env the environment {@code ${VAR}} reads from, e.g. {@code System::getenv}
   */
  public static Catalog load(Path dir, Function<String, String> env) {
    if (!Files.isDirectory(dir)) {
      String why = Files.exists(dir) ? "is not a folder" : "does not exist";
      return new Catalog(
          dir,
          List.of(),
          List.of(
              new Problem(
                  dir, 0, 0, "jobs folder " + why + "; create it or pass --jobs with the folder")));
    }
    List<Path> files;
    try {
      files = jobFiles(dir);
    } catch (IOException e) {
      return new Catalog(
          dir,
          List.of(),
          List.of(
              new Problem(
                  dir, 0, 0, "cannot list the jobs folder (" + e + "); check its permissions")));
    }
    JobFileParser parser = new JobFileParser(env);
    FolderState state = new FolderState(dir);
    for (Path file : files) {
      state.put(file, parser.parseLocated(file));
    }
    return state.snapshot(List.of());
  }

  /** Job files directly in {@code dir}, sorted by name; hidden and editor files left out. */
  static List<Path> jobFiles(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        if (isJobFileName(p.getFileName().toString()) && Files.isRegularFile(p)) {
          files.add(p);
        }
      }
    }
    files.sort(Comparator.comparing(p -> p.getFileName().toString()));
    return files;
  }

  /**
   * True for {@code *.yaml}, {@code *.yml} and {@code *.json}, except hidden files and the temp
   * files editors write beside the real one (vim's {@code .swp} and {@code 4913}, emacs' {@code
   * .#name} and {@code name~}, {@code *.tmp}).
   */
  static boolean isJobFileName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.startsWith(".")
        || n.endsWith("~")
        || n.endsWith(".swp")
        || n.endsWith(".tmp")
        || n.equals("4913")) {
      return false;
    }
    return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
  }
}
