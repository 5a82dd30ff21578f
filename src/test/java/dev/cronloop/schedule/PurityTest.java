package dev.cronloop.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** STYLE.md §1: the schedule engine imports no Vert.x, no Quartz and no JDBC. */
class PurityTest {

  @Test
  void schedule_sources_import_no_vertx_quartz_or_jdbc() throws IOException {
    Path dir = Path.of("src/main/java/dev/cronloop/schedule");
    List<String> imports;
    try (Stream<Path> files = Files.list(dir)) {
      imports = files.flatMap(PurityTest::lines).filter(l -> l.startsWith("import ")).toList();
    }

    assertThat(imports).isNotEmpty().noneMatch(l -> l.contains("io.vertx")
        || l.contains("org.quartz") || l.contains("java.sql"));
  }

  private static Stream<String> lines(Path file) {
    try {
      return Files.readAllLines(file).stream();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
