package dev.cronloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * STYLE.md §1: dependencies point one way, {@code cli → root → {server, bridge, fetch, record,
 * definition, schedule}}, and the pure packages import no Vert.x, no Quartz and no JDBC.
 */
class LayeringTest {

  @ParameterizedTest(name = "{0} may use only {1}")
  @CsvSource(delimiter = ';', value = {
    "model;      definition                      ; io.vertx org.quartz java.sql",
    "schedule;                                   ; io.vertx org.quartz java.sql",
    "definition; schedule                        ; io.vertx org.quartz java.sql",
    "record;     model                           ; org.quartz",
    "fetch;      definition model record schedule; org.quartz java.sql",
    "bridge;     definition fetch model record schedule; io.vertx.ext",
    "server;     definition fetch model record schedule; org.quartz",
  })
  void a_package_imports_only_the_packages_below_it(String pkg, String allowed, String forbidden)
      throws IOException {
    Set<String> mayUse = Set.of((pkg + " " + (allowed == null ? "" : allowed)).trim().split("\\s+"));
    List<String> imports = importsOf(pkg);

    assertThat(imports).isNotEmpty();
    for (String line : imports) {
      String target = line.replace("import static ", "").replace("import ", "");
      if (target.startsWith("dev.cronloop.")) {
        String rest = target.substring("dev.cronloop.".length());
        String used = rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : "(root)";
        assertThat(mayUse).as("%s imports %s", pkg, target).contains(used);
      }
      for (String f : forbidden.trim().split("\\s+")) {
        assertThat(target).as("%s imports %s", pkg, target).doesNotStartWith(f + ".");
      }
    }
  }

  private static List<String> importsOf(String pkg) throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("src/main/java/dev/cronloop", pkg))) {
      return files.filter(f -> f.toString().endsWith(".java"))
          .flatMap(LayeringTest::lines)
          .map(String::strip)
          .filter(l -> l.startsWith("import "))
          .map(l -> l.replace(";", ""))
          .toList();
    }
  }

  private static Stream<String> lines(Path file) {
    try {
      return Files.readAllLines(file).stream();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
