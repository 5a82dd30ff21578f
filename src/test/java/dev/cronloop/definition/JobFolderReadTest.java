package dev.cronloop.definition;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one folder reader on a folder large enough to be parsed on its pool of threads: the catalog is
 * the one a file-by-file parse gives, and no reading thread is left behind.
 */
class JobFolderReadTest {
  @TempDir Path dir;

  @Test
  void a_large_folder_loads_as_file_by_file_parsing_says_and_leaves_no_reader_thread()
      throws IOException {
    List<JobDefinition> oneByOne = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    JobFileParser parser = JobFileParser.withEnv(Map.of());
    for (int i = 0; i < 150; i++) {
      String name = String.format("job%03d.yaml", i);
      String url = i % 10 == 7 ? "ftp://example.org/" + i : "https://example.org/" + i;
      Files.writeString(
          dir.resolve(name), "schedule: \"0 */5 * * * ?\"\nrequests: [" + url + "]\n");
      JobFileParser.Result r = parser.parse(dir.resolve(name));
      oneByOne.addAll(r.jobs());
      problems.addAll(r.problems());
    }

    Catalog catalog = JobFolder.load(dir, k -> null);

    assertThat(catalog.jobs()).hasSize(135);
    assertThat(catalog.jobs().stream().map(JobFolderReadTest::shown).toList())
        .containsExactlyElementsOf(oneByOne.stream().map(JobFolderReadTest::shown).toList());
    assertThat(catalog.problems()).hasSize(15).containsExactlyElementsOf(problems);
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.isAlive() && t.getName().startsWith("cronloop-catalog-read-"));
  }

  /** What a job is, for comparing (a parsed schedule has no equals of its own). */
  private static String shown(JobDefinition j) {
    return j.id() + " " + j.file() + " " + j.schedule() + " " + j.requests() + " " + j.contentHash();
  }
}
