package dev.cronloop.definition;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobFolderTest {

  @TempDir Path dir;

  private static final String JOB =
      "schedule: \"*/30 * * * * ?\"\nrequests: [https://example.org]\n";

  private void write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private Catalog load() {
    return JobFolder.load(dir, Map.of("TOKEN", "t")::get);
  }

  @Test
  void reads_yaml_yml_and_json_sorted_by_name_and_skips_hidden_and_editor_files()
      throws IOException {
    write("c.yaml", JOB);
    write("a.yml", JOB);
    write("b.json", "{\"schedule\": \"0 0 12 * * ?\", \"requests\": [\"https://example.org\"]}");
    for (String ignored :
        new String[] {
          ".hidden.yaml",
          ".#c.yaml",
          "c.yaml~",
          "c.yaml.swp",
          ".c.yaml.swp",
          "4913",
          "c.yaml.tmp",
          "notes.txt",
          "sub/d.yaml"
        }) {
      write(ignored, "not: [valid");
    }

    Catalog catalog = load();

    assertThat(catalog.problems()).isEmpty();
    assertThat(catalog.jobs()).extracting(JobDefinition::id).containsExactly("a", "b", "c");
    assertThat(catalog.job("b"))
        .get()
        .extracting(JobDefinition::file)
        .isEqualTo(dir.resolve("b.json"));
    assertThat(catalog.job("nope")).isEmpty();
    assertThat(catalog.dir()).isEqualTo(dir);
  }

  @Test
  void a_bad_file_never_stops_the_good_ones() throws IOException {
    write("good.yaml", JOB);
    write("broken.yaml", "schedule: [\n");
    write(
        "wrong.yaml",
        "schedule: \"*/30 * * * * ?\"\nrequests: [https://example.org]\ntimout: 1s\n");
    write("zz.yaml", JOB);

    Catalog catalog = load();

    assertThat(catalog.jobs()).extracting(JobDefinition::id).containsExactly("good", "zz");
    assertThat(catalog.problems())
        .extracting(p -> p.file().getFileName().toString())
        .containsExactly("broken.yaml", "wrong.yaml");
    assertThat(catalog.ok()).isFalse();
  }

  @Test
  void one_id_in_two_files_is_a_problem_in_each_and_neither_loads() throws IOException {
    write("a.yaml", "name: orders\n" + JOB);
    write("b.yaml", "# the same job\nname: orders\n" + JOB);
    write("c.yaml", JOB);

    Catalog catalog = load();

    assertThat(catalog.jobs()).extracting(JobDefinition::id).containsExactly("c");
    assertThat(catalog.problems())
        .extracting(Problem::toString)
        .containsExactly(
            dir.resolve("a.yaml")
                + ":1:7: job id \"orders\" is also used in "
                + dir.resolve("b.yaml")
                + "; give one of them another name: (neither loads until then)",
            dir.resolve("b.yaml")
                + ":2:7: job id \"orders\" is also used in "
                + dir.resolve("a.yaml")
                + "; give one of them another name: (neither loads until then)");
  }

  @Test
  void the_file_name_is_the_id_that_a_name_can_clash_with() throws IOException {
    write("orders.yaml", JOB);
    write("other.yaml", "name: orders\n" + JOB);

    Catalog catalog = load();

    assertThat(catalog.jobs()).isEmpty();
    assertThat(catalog.problems()).hasSize(2);
    assertThat(catalog.problems().get(0).toString())
        .isEqualTo(
            dir.resolve("orders.yaml")
                + ":1:1: job id \"orders\" is also used in "
                + dir.resolve("other.yaml")
                + "; give one of them another name: (neither loads until then)");
  }

  @Test
  void a_missing_folder_is_one_problem() {
    Path missing = dir.resolve("nope");

    Catalog catalog = JobFolder.load(missing, k -> null);

    assertThat(catalog.jobs()).isEmpty();
    assertThat(catalog.problems())
        .extracting(Problem::toString)
        .containsExactly(
            missing + ":0:0: jobs folder does not exist; create it or pass --jobs with the folder");
  }

  @Test
  void an_empty_folder_is_ok() {
    Catalog catalog = load();

    assertThat(catalog.ok()).isTrue();
    assertThat(catalog.jobs()).isEmpty();
  }

  @Test
  void counts_enabled_jobs() throws IOException {
    write("a.yaml", JOB);
    write("b.yaml", "enabled: false\n" + JOB);

    assertThat(load().enabledCount()).isEqualTo(1);
  }

  @Test
  void catalog_lists_cannot_be_changed() throws IOException {
    write("a.yaml", JOB);

    Catalog catalog = load();

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> catalog.jobs().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
