package dev.cronloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.testkit.ChildProcess;
import dev.cronloop.testkit.LoopbackServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher {@code target/cronloop} and the class-data archive the build makes for it. */
class LauncherIT {
  @Test
  void the_build_makes_a_class_data_archive_for_its_jdk_and_the_launcher_maps_it() throws Exception {
    Path archive = Path.of("target/cronloop-" + System.getProperty("java.version") + ".jsa");
    assertThat(archive).as("made at package time by cli.ClassDataTraining").exists();
    assertThat(Files.size(archive)).isGreaterThan(1_000_000);

    // -Xshare:on makes the JVM refuse to start when it cannot map the archive the launcher names;
    // the class+load log shows the engine's own classes coming from it.
    try (ChildProcess validate = ChildProcess.cronloop(List.of("-Xshare:on", "-Xlog:class+load=info"),
        "validate", "--jobs", "jobs")) {
      assertThat(validate.waitFor(Duration.ofSeconds(60))).as(validate.output()).isZero();
      assertThat(validate.output())
          .contains("dev.cronloop.definition.JobFileParser source: shared objects file (top)");
    }
  }

  @Test
  void without_the_cache_the_launcher_runs_the_jar_as_is() throws Exception {
    try (ChildProcess validate = ChildProcess.cronloop(List.of("-Xlog:class+load=info"),
        Map.of("CRONLOOP_CLASS_CACHE", "off"), "validate", "--jobs", "jobs")) {
      assertThat(validate.waitFor(Duration.ofSeconds(60))).as(validate.output()).isZero();
      assertThat(validate.output()).contains("dev.cronloop.definition.JobFileParser source: file:")
          .doesNotContain("source: shared objects file (top)");
    }
  }

  @Test
  void a_plain_fire_runs_without_picocli_parsing_and_records_its_run(@TempDir Path dir) throws Exception {
    try (LoopbackServer target = LoopbackServer.start()) {
      Path jobs = Files.createDirectories(dir.resolve("jobs"));
      Files.writeString(jobs.resolve("one.yaml"), "schedule: \"0 0 * * *\"\nrequests: [" + target.url("/one") + "]\n");
      String db = "jdbc:h2:file:" + dir.resolve("db/cronloop");
      Files.createDirectories(dir.resolve("db"));

      try (ChildProcess fire = ChildProcess.cronloop(List.of("-Xlog:class+load=info"),
          "fire", "one", "--jobs", jobs.toString(), "--db", db)) {
        assertThat(fire.waitFor(Duration.ofSeconds(60))).as(fire.output()).isZero();
        assertThat(fire.output()).containsPattern("\\{\"job\":\"one\",\"run\":\\d+,\"requests\":1,\"ok\":1,\"failed\":0,")
            // the launcher's reflection on Main's public methods loads CommandLine; nothing parses with it
            .doesNotContain("picocli.CommandLine$Model")
            .doesNotContain("picocli.CommandLine$Interpreter");
        assertThat(target.received()).isEqualTo(1);
      }
    }
  }
}
