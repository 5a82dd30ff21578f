package dev.cronloop.definition;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.cronloop.testkit.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A watched jobs folder, edited the ways editors, tools and Kubernetes edit it. */
@Timeout(60)
class JobCatalogTest {
  private static final Duration WITHIN = Duration.ofSeconds(5);
  private static final String JOB = "schedule: \"@every 1h\"\nrequests: [http://127.0.0.1/%s]\n";

  @TempDir Path tmp;
  private Path dir;
  private JobCatalog catalog;
  private final ConcurrentLinkedQueue<Catalog> published = new ConcurrentLinkedQueue<>();
  private LogCapture logs;

  @BeforeEach
  void folder() throws IOException {
    dir = Files.createDirectories(tmp.resolve("jobs"));
    logs = LogCapture.start();
  }

  @AfterEach
  void close() {
    if (catalog != null) {
      catalog.close();
    }
    logs.close();
  }

  @Test
  void a_file_added_changed_and_removed_is_followed() throws IOException {
    write("keep.yaml", JOB.formatted("keep"));
    start();
    JobDefinition kept = job("keep").orElseThrow();

    write("new.yaml", JOB.formatted("v1"));
    await().atMost(WITHIN).until(() -> url("new").equals("http://127.0.0.1/v1"));
    write("new.yaml", JOB.formatted("v2"));
    await().atMost(WITHIN).until(() -> url("new").equals("http://127.0.0.1/v2"));
    Files.delete(dir.resolve("new.yaml"));
    await().atMost(WITHIN).until(() -> job("new").isEmpty());

    assertThat(job("keep")).containsSame(kept);
    assertThat(logs.at(Level.INFO))
        .contains("job \"new\" added from new.yaml", "job \"new\" changed", "job \"new\" removed");
  }

  @Test
  void catalogs_are_published_on_the_catalog_thread_and_a_failing_listener_does_not_stop_it()
      throws IOException {
    write("api.yaml", JOB.formatted("v1"));
    List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    catalog = new JobCatalog(dir, k -> null);
    catalog.load();
    catalog.start(c -> {
      threads.add(Thread.currentThread().getName());
      throw new IllegalStateException("the scheduler is gone");
    });

    write("api.yaml", JOB.formatted("v2"));
    await().atMost(WITHIN).until(() -> url("api").endsWith("/v2"));
    write("api.yaml", JOB.formatted("v3"));
    await().atMost(WITHIN).until(() -> url("api").endsWith("/v3") && threads.size() == 2);
    catalog.close();

    assertThat(threads).containsExactly("cronloop-catalog", "cronloop-catalog");
    assertThat(logs.at(Level.ERROR)).hasSize(2)
        .allSatisfy(l -> assertThat(l).startsWith("applying the jobs of " + dir + " failed"));
  }

  @Test
  void validate_reads_the_folder_exactly_as_the_engine_does() throws IOException {
    write("ok.yaml", JOB.formatted("ok"));
    write("bad.yaml", "schedule: \"61 * * * *\"\nzone: Mars/Base\nrequests: [ftp://x]\n");
    write("a.yaml", "name: same\n" + JOB.formatted("a"));
    write("b.yaml", "name: same\n" + JOB.formatted("b"));
    write("urls.yaml", JOB.formatted("u") + "urlsFrom: missing.txt\n");

    Catalog validated = JobFolder.load(dir, k -> null);
    Catalog loaded = new JobCatalog(dir, k -> null).load();

    // Schedules have no equals, so compare what each reading says: problems, jobs and states.
    assertThat(loaded.problems()).isEqualTo(validated.problems());
    assertThat(loaded.jobs()).extracting(JobDefinition::contentHash)
        .isEqualTo(validated.jobs().stream().map(JobDefinition::contentHash).toList());
    assertThat(loaded.states().keySet()).isEqualTo(validated.states().keySet());
    assertThat(validated.jobs()).extracting(JobDefinition::id).containsExactly("ok");
    assertThat(validated.problems()).hasSizeGreaterThanOrEqualTo(5);
  }

  @Test
  void without_inotify_polling_follows_the_folder_too() throws IOException {
    write("keep.yaml", JOB.formatted("keep"));
    catalog = new JobCatalog(dir, k -> null, false);
    published.add(catalog.load());
    catalog.start(published::add);

    write("new.yaml", JOB.formatted("v1"));
    await().atMost(WITHIN).until(() -> url("new").equals("http://127.0.0.1/v1"));
    write("new.yaml", "");
    write("new.yaml", JOB.formatted("v2"));
    await().atMost(WITHIN).until(() -> url("new").equals("http://127.0.0.1/v2"));
    Files.delete(dir.resolve("new.yaml"));
    await().atMost(WITHIN).until(() -> job("new").isEmpty());

    assertThat(published).allSatisfy(c -> assertThat(c.job("keep")).isPresent());
  }

  @Test
  void a_renamed_file_with_a_name_keeps_its_job_without_a_gap() throws IOException {
    write("old.yaml", "name: orders\n" + JOB.formatted("o"));
    start();

    Files.move(dir.resolve("old.yaml"), dir.resolve("new.yaml"));
    await().atMost(WITHIN).until(() -> job("orders").map(j -> j.file().endsWith("new.yaml")).orElse(false));

    assertThat(published).allSatisfy(c -> assertThat(c.job("orders")).isPresent());
  }

  @Test
  void write_temp_then_rename_never_drops_the_job() throws IOException {
    write("api.yaml", JOB.formatted("v1"));
    start();

    for (String temp : List.of(".api.yaml.tmp", "api.yaml.tmp", ".api.yaml.swx")) {
      write(temp, "schedule: \"@every 1h\"\nreq"); // half written: never read
      write(temp, JOB.formatted(temp));
      Files.move(dir.resolve(temp), dir.resolve("api.yaml"), ATOMIC_MOVE, REPLACE_EXISTING);
      await().atMost(WITHIN).until(() -> url("api").endsWith(temp));
    }

    assertThat(published).allSatisfy(c -> {
      assertThat(c.job("api")).isPresent();
      assertThat(c.problems()).isEmpty();
    });
  }

  @Test
  void truncate_then_write_keeps_the_last_good_job_until_the_file_is_whole() throws IOException {
    write("api.yaml", JOB.formatted("v1"));
    start();

    write("api.yaml", ""); // truncated; the writer is slow
    await().atMost(WITHIN).until(() -> state("api").status() == JobState.Status.INVALID);
    assertThat(url("api")).isEqualTo("http://127.0.0.1/v1");
    write("api.yaml", JOB.formatted("v2"));
    await().atMost(WITHIN).until(() -> url("api").equals("http://127.0.0.1/v2"));

    assertThat(state("api").status()).isEqualTo(JobState.Status.ACTIVE);
    assertThat(state("api").problems()).isEmpty();
    assertThat(published).allSatisfy(c -> assertThat(c.job("api")).isPresent());
  }

  @Test
  void a_quick_truncate_then_write_is_one_change() throws IOException {
    write("api.yaml", JOB.formatted("v1"));
    start();

    write("api.yaml", "");
    write("api.yaml", "schedule: \"@every 1h\"\n");
    Files.writeString(dir.resolve("api.yaml"), "requests: [http://127.0.0.1/v2]\n",
        java.nio.file.StandardOpenOption.APPEND);
    await().atMost(WITHIN).until(() -> url("api").equals("http://127.0.0.1/v2"));

    assertThat(published).allSatisfy(c -> assertThat(c.problems()).isEmpty());
    assertThat(logs.at(Level.WARN)).isEmpty();
  }

  @Test
  void vim_save_with_swap_backup_and_4913_never_drops_the_job() throws IOException {
    write("api.yaml", JOB.formatted("v1"));
    write(".api.yaml.swp", "binary swap \0 data: not yaml");
    start();

    write("4913", "");
    Files.delete(dir.resolve("4913"));
    Files.move(dir.resolve("api.yaml"), dir.resolve("api.yaml~"));
    write("api.yaml", JOB.formatted("v2"));
    Files.delete(dir.resolve("api.yaml~"));
    await().atMost(WITHIN).until(() -> url("api").equals("http://127.0.0.1/v2"));

    assertThat(published).allSatisfy(c -> {
      assertThat(c.jobs()).extracting(JobDefinition::id).containsExactly("api");
      assertThat(c.problems()).isEmpty();
    });
  }

  @Test
  void emacs_lock_links_and_hidden_files_are_not_jobs() throws IOException {
    write("api.yaml", JOB.formatted("v1"));
    start();

    Files.createSymbolicLink(dir.resolve(".#api.yaml"), Path.of("user@host.1234:1700000000"));
    write(".hidden.yaml", JOB.formatted("hidden"));
    write("#api.yaml#", JOB.formatted("autosave"));
    write("api.yaml", JOB.formatted("v2"));
    Files.delete(dir.resolve(".#api.yaml"));
    await().atMost(WITHIN).until(() -> url("api").equals("http://127.0.0.1/v2"));

    assertThat(catalog.current().jobs()).extracting(JobDefinition::id).containsExactly("api");
    assertThat(catalog.current().problems()).isEmpty();
  }

  @Test
  void a_kubernetes_configmap_swap_of_data_is_one_change() throws IOException {
    Path first = Files.createDirectories(dir.resolve("..2026_11_23_10_00_00.1"));
    Files.writeString(first.resolve("api.yaml"), JOB.formatted("v1"));
    Files.writeString(first.resolve("targets.txt"), "http://127.0.0.1/t1\n");
    Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
    Files.createSymbolicLink(dir.resolve("api.yaml"), Path.of("..data/api.yaml"));
    Files.createSymbolicLink(dir.resolve("targets.txt"), Path.of("..data/targets.txt"));
    Files.writeString(first.resolve("api.yaml"), JOB.formatted("v1") + "urlsFrom: targets.txt\n");
    start();
    assertThat(catalog.current().job("api").orElseThrow().requests()).hasSize(2);

    Path second = Files.createDirectories(dir.resolve("..2026_11_23_10_05_00.2"));
    Files.writeString(second.resolve("api.yaml"), JOB.formatted("v2") + "urlsFrom: targets.txt\n");
    Files.writeString(second.resolve("targets.txt"), "http://127.0.0.1/t2\nhttp://127.0.0.1/t3\n");
    Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
    Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), ATOMIC_MOVE);
    deleteTree(first);
    await().atMost(WITHIN).until(() -> url("api").equals("http://127.0.0.1/v2"));

    assertThat(job("api").orElseThrow().requests())
        .extracting(RequestSpec::url)
        .containsExactly("http://127.0.0.1/v2", "http://127.0.0.1/t2", "http://127.0.0.1/t3");
    assertThat(published).allSatisfy(c -> {
      assertThat(c.job("api")).isPresent();
      assertThat(c.problems()).isEmpty();
    });
  }

  @Test
  void a_changed_urls_file_changes_its_job_in_a_subfolder_too() throws IOException {
    Files.createDirectories(dir.resolve("lists"));
    write("lists/targets.txt", "http://127.0.0.1/a\n");
    write("api.yaml", JOB.formatted("v1") + "urlsFrom: lists/targets.txt\n");
    write("other.yaml", JOB.formatted("other"));
    start();
    JobDefinition other = job("other").orElseThrow();

    write("lists/targets.txt", "http://127.0.0.1/a\nhttp://127.0.0.1/b\n");
    await().atMost(WITHIN).until(() -> job("api").orElseThrow().requests().size() == 3);

    assertThat(job("other")).containsSame(other);
  }

  @Test
  void a_missing_urls_file_that_appears_loads_its_job() throws IOException {
    write("api.yaml", JOB.formatted("v1") + "urlsFrom: targets.txt\n");
    start();
    assertThat(job("api")).isEmpty();
    assertThat(catalog.current().problems()).hasSize(1);

    write("targets.txt", "http://127.0.0.1/a\n");
    await().atMost(WITHIN).until(() -> job("api").isPresent());

    assertThat(catalog.current().problems()).isEmpty();
  }

  @Test
  void invalid_valid_invalid_keeps_the_last_good_version_and_warns_once_per_change()
      throws IOException {
    write("api.yaml", JOB.formatted("v1"));
    start();

    write("api.yaml", "schedule: \"*/70 * * * * ?\"\nrequests: [http://127.0.0.1/v2]\n");
    await().atMost(WITHIN).until(() -> state("api").status() == JobState.Status.INVALID);
    JobState broken = state("api");
    assertThat(broken.definition().requests().get(0).url()).isEqualTo("http://127.0.0.1/v1");
    assertThat(broken.problems()).hasSize(1);
    assertThat(broken.problems().get(0).toString())
        .startsWith(dir.resolve("api.yaml") + ":1:").contains("step 70 is out of range");
    assertThat(catalog.current().problems()).isEqualTo(broken.problems());

    write("api.yaml", JOB.formatted("v3"));
    await().atMost(WITHIN).until(() -> state("api").status() == JobState.Status.ACTIVE);
    assertThat(url("api")).isEqualTo("http://127.0.0.1/v3");

    write("api.yaml", JOB.formatted("v4").replace("@every 1h", "@every 1 hour"));
    await().atMost(WITHIN).until(() -> state("api").status() == JobState.Status.INVALID);
    assertThat(url("api")).isEqualTo("http://127.0.0.1/v3");
    write("api.yaml", JOB.formatted("v4").replace("@every 1h", "@every 1 hour") + "\n");
    await().atMost(WITHIN).until(() -> published.stream().filter(c -> c.problems().size() == 1).count() >= 2);
    catalog.close(); // no later reading can log

    List<String> warned = logs.at(Level.WARN).stream().filter(l -> l.startsWith(dir.toString())).toList();
    assertThat(warned).hasSize(2);
    assertThat(warned.get(0)).contains("step 70");
    assertThat(published).allSatisfy(c -> assertThat(c.job("api")).isPresent());
  }

  @Test
  void one_id_in_two_files_names_both_and_the_running_one_keeps_running() throws IOException {
    write("a.yaml", "name: orders\n" + JOB.formatted("a"));
    start();

    write("b.yaml", "name: orders\n" + JOB.formatted("b"));
    await().atMost(WITHIN).until(() -> catalog.current().problems().size() == 2);

    JobState clash = state("orders");
    assertThat(clash.status()).isEqualTo(JobState.Status.INVALID);
    assertThat(clash.definition().file()).isEqualTo(dir.resolve("a.yaml"));
    assertThat(clash.problems()).extracting(Problem::toString).containsExactly(
        dir.resolve("a.yaml") + ":1:7: job id \"orders\" is also used in " + dir.resolve("b.yaml")
            + "; give one of them another name: (the job loaded before from "
            + dir.resolve("a.yaml") + " keeps running until then)",
        dir.resolve("b.yaml") + ":1:7: job id \"orders\" is also used in " + dir.resolve("a.yaml")
            + "; give one of them another name: (the job loaded before from "
            + dir.resolve("a.yaml") + " keeps running until then)");

    Files.delete(dir.resolve("a.yaml"));
    await().atMost(WITHIN).until(() -> url("orders").endsWith("/b"));
    assertThat(state("orders").status()).isEqualTo(JobState.Status.ACTIVE);
    assertThat(catalog.current().problems()).isEmpty();
  }

  @Test
  void a_removed_folder_keeps_its_jobs_and_a_new_one_is_read_again() throws IOException {
    write("api.yaml", JOB.formatted("v1"));
    write("other.yaml", JOB.formatted("other"));
    start();

    deleteTree(dir);
    await().atMost(WITHIN).until(() -> catalog.current().problems().size() == 1);
    assertThat(catalog.current().problems().get(0).message()).startsWith("jobs folder is gone");
    assertThat(catalog.current().jobs()).hasSize(2);
    Files.createDirectories(dir);
    write("api.yaml", JOB.formatted("v2"));
    write("other.yaml", JOB.formatted("other"));
    await().atMost(WITHIN).until(() -> url("api").endsWith("/v2") && catalog.current().ok());

    assertThat(catalog.current().jobs()).extracting(JobDefinition::id).containsExactly("api", "other");
    assertThat(published).allSatisfy(c -> assertThat(c.jobs()).hasSize(2));
  }

  @Test
  void an_emptied_folder_drops_its_jobs_after_a_second_look() throws IOException {
    write("a.yaml", JOB.formatted("a"));
    write("b.yaml", JOB.formatted("b"));
    write("c.yaml", JOB.formatted("c"));
    start();

    Files.delete(dir.resolve("a.yaml"));
    Files.delete(dir.resolve("b.yaml"));
    await().atMost(WITHIN).until(() -> catalog.current().jobs().size() == 1);

    assertThat(job("c")).isPresent();
    assertThat(published).noneMatch(c -> c.jobs().size() == 2);
  }

  @Test
  void a_burst_of_a_thousand_files_is_read_whole_and_each_job_appears_once() throws IOException {
    start();

    for (int i = 0; i < 1000; i++) {
      write("job-" + i + ".yaml", JOB.formatted(i));
    }
    await().atMost(Duration.ofSeconds(20))
        .until(() -> published.stream().anyMatch(c -> c.jobs().size() == 1000));

    Map<String, Integer> appeared = new HashMap<>();
    Catalog before = null;
    for (Catalog c : published) {
      for (JobDefinition j : c.jobs()) {
        if (before == null || before.job(j.id()).isEmpty()) {
          appeared.merge(j.id(), 1, Integer::sum);
        }
      }
      before = c;
    }
    assertThat(appeared).hasSize(1000).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    assertThat(catalog.current().problems()).isEmpty();
  }

  @Test
  void substituted_values_never_reach_the_log() throws IOException {
    Map<String, String> env = Map.of("API_TOKEN", "s3cr3t-t0ken", "HOST", "hidden-host.example");
    write("api.yaml", """
        schedule: "@every 1h"
        headers: { Authorization: "Bearer ${API_TOKEN}" }
        requests: [ "http://${HOST}/a" ]
        """);
    catalog = new JobCatalog(dir, env::get);
    catalog.load();
    catalog.start(published::add);

    write("api.yaml", """
        schedule: "${API_TOKEN}"
        headers: { Authorization: "Bearer ${API_TOKEN}" }
        requests: [ "http://${HOST}/a", "${API_TOKEN}" ]
        urlsFrom: "${API_TOKEN}"
        """);
    await().atMost(WITHIN).until(() -> state("api").status() == JobState.Status.INVALID);
    write("api.yaml", """
        schedule: "@every 2h"
        headers: { Authorization: "Bearer ${API_TOKEN}" }
        requests: [ "http://${HOST}/b" ]
        """);
    await().atMost(WITHIN).until(() -> state("api").status() == JobState.Status.ACTIVE
        && url("api").endsWith("/b"));
    catalog.close();

    assertThat(logs.lines()).isNotEmpty().allSatisfy(l -> assertThat(l)
        .doesNotContain("s3cr3t-t0ken").doesNotContain("hidden-host"));
    assertThat(published).allSatisfy(c -> assertThat(c.problems()).allSatisfy(p -> assertThat(p.toString())
        .doesNotContain("s3cr3t-t0ken").doesNotContain("hidden-host")));
  }

  @Test
  void a_channels_file_is_followed_and_checked_against_the_jobs_that_name_its_channels() throws IOException {
    write("api.yaml", "schedule: \"@every 1h\"\nnotify: { channels: [ops] }\nrequests: [http://127.0.0.1/a]\n");
    start();
    assertThat(catalog.current().problems()).extracting(Problem::message)
        .anySatisfy(m -> assertThat(m).startsWith("notify names channel \"ops\", which no channels file defines"));

    write("channels.yaml", "channels:\n  ops: { webhook: \"http://127.0.0.1/v1\" }\n");
    await().atMost(WITHIN).until(() -> catalog.current().problems().isEmpty());
    write("channels.yaml", "channels:\n  ops: { webhook: \"http://127.0.0.1/v2\" }\n");
    await().atMost(WITHIN).until(() -> "http://127.0.0.1/v2".equals(
        ((Channel.Webhook) catalog.current().channels().get("ops")).urlAsWritten()));
    write("channels.yaml", "channels:\n  ops: { webhook: 42 }\n");
    await().atMost(WITHIN).until(() -> !catalog.current().problems().isEmpty());

    assertThat(catalog.current().channels()).containsKey("ops"); // the last good channels stay
    assertThat(catalog.current().jobs()).extracting(JobDefinition::id).containsExactly("api");
    assertThat(published.stream().map(c -> c.channels().size())).contains(0, 1);
  }

  private void start() {
    catalog = new JobCatalog(dir, k -> null);
    published.add(catalog.load());
    catalog.start(published::add);
  }

  private Optional<JobDefinition> job(String id) {
    return catalog.current().job(id);
  }

  private JobState state(String id) {
    return catalog.current().state(id).orElseThrow();
  }

  private String url(String id) {
    return job(id).map(j -> j.requests().get(0).url()).orElse("");
  }

  private void write(String name, String text) throws IOException {
    Files.writeString(dir.resolve(name), text);
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      List<Path> paths = new ArrayList<>(all.sorted(Comparator.reverseOrder()).toList());
      for (Path p : paths) {
        Files.delete(p);
      }
    }
  }
}
