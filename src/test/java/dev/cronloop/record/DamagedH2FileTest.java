package dev.cronloop.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cronloop.testkit.DamagedH2;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * h2database/h2database#4383: a process killed while H2 2.5.252 wrote a new file's first chunks
 * left a file that every open refused with a bare "Chunk 2 not found". Opening such a file now
 * fails with a line naming the file and the command that repairs it, and the repair rolls the file
 * back to its newest version that reads completely, keeping the damaged file beside it. The files
 * are real H2 files made with the engine's schema, damaged as DamagedH2 describes.
 */
class DamagedH2FileTest {
  private static final Instant NOW = Instant.parse("2026-12-07T03:30:00Z");

  @TempDir Path dir;

  private String url() {
    return "jdbc:h2:file:" + dir.resolve("db/cronloop");
  }

  private Path file() {
    return dir.resolve("db/cronloop.mv.db").toAbsolutePath();
  }

  @Test
  void a_file_that_lost_a_chunk_fails_to_open_with_a_line_naming_the_file_and_the_repair() throws Exception {
    DamagedH2.withRuns(url(), 5);
    int chunk = DamagedH2.loseMetaChunk(file());
    byte[] damaged = Files.readAllBytes(file());

    Throwable failure = catchThrowable(() -> Database.open(url(), 2));

    assertThat(failure).isInstanceOf(DamagedH2File.class);
    assertThat(((DamagedH2File) failure).file()).isEqualTo(file());
    assertThat(failure.getMessage())
        .startsWith("database " + file() + " is damaged and H2 cannot open it (Chunk " + chunk + " not found")
        .contains("; stop every process that uses it, then run java -jar ")
        .contains(" repair --db jdbc:h2:file:" + dir.resolve("db/cronloop").toAbsolutePath() + ": ")
        .doesNotContain("\n");
    assertThat(Files.readAllBytes(file())).as("the failed open left the file as it was").isEqualTo(damaged);
  }

  @Test
  void the_repair_rolls_the_file_back_to_the_version_before_and_keeps_the_damaged_file() throws Exception {
    DamagedH2.withRuns(url(), 5);
    DamagedH2.loseMetaChunk(file());
    byte[] damaged = Files.readAllBytes(file());

    H2Rollback.Result result = H2Rollback.repair(file(), NOW);

    assertThat(result).isInstanceOf(H2Rollback.RolledBack.class);
    H2Rollback.RolledBack rolledBack = (H2Rollback.RolledBack) result;
    assertThat(rolledBack.to()).isEqualTo(rolledBack.from() - 1);
    assertThat(rolledBack.dropped()).isEqualTo(1);
    assertThat(rolledBack.damaged()).isEqualTo(Path.of(file() + ".damaged-20261207T033000Z"));
    assertThat(Files.readAllBytes(rolledBack.damaged())).as("the damaged file, kept as it was").isEqualTo(damaged);
    assertThat(DamagedH2.runIds(url())).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(names()).noneMatch(name -> name.contains(".temp") || name.contains(".repaired"));
  }

  @Test
  void a_page_that_does_not_read_is_reported_as_damage_too() throws Exception {
    DamagedH2.withRuns(url(), 5);
    int chunk = DamagedH2.breakMetaRootPage(file());

    Throwable failure = catchThrowable(() -> Database.open(url(), 2));

    assertThat(failure).isInstanceOf(DamagedH2File.class);
    assertThat(failure.getMessage())
        .startsWith("database " + file() + " is damaged and H2 cannot open it (File corrupted in chunk " + chunk + ",")
        .contains(" repair --db jdbc:h2:file:" + dir.resolve("db/cronloop").toAbsolutePath() + ": ");
  }

  @Test
  void a_file_that_reads_completely_is_left_alone() throws Exception {
    DamagedH2.withRuns(url(), 2);
    byte[] before = Files.readAllBytes(file());

    H2Rollback.Result result = H2Rollback.repair(file(), NOW);

    assertThat(result).isEqualTo(new H2Rollback.Intact(file()));
    assertThat(Files.readAllBytes(file())).isEqualTo(before);
    assertThat(names()).containsExactly("cronloop.mv.db");
  }

  /** A wrong user name is no damage: an older version that opens must not take the file's place. */
  @Test
  void a_whole_file_that_wants_a_password_is_left_alone_and_the_repair_says_why() throws Exception {
    Files.createDirectories(dir.resolve("db"));
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url() + ";USER=admin;PASSWORD=secret");
        java.sql.Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t(i INT)");
      s.execute("INSERT INTO t VALUES (1)");
    }
    byte[] before = Files.readAllBytes(file());

    Throwable refused = catchThrowable(() -> H2Rollback.repair(file(), NOW));

    assertThat(refused).isInstanceOf(IllegalStateException.class).hasMessageContaining("nothing was changed");
    assertThat(Files.readAllBytes(file())).isEqualTo(before);
    assertThat(names()).containsExactly("cronloop.mv.db");
  }

  @Test
  void a_file_a_database_has_open_is_left_alone() throws Exception {
    DamagedH2.withRuns(url(), 2);

    H2Rollback.Result result;
    try (Database open = Database.open(url(), 1)) {
      result = H2Rollback.repair(file(), NOW);
    }

    assertThat(result).isEqualTo(new H2Rollback.InUse(file()));
    assertThat(DamagedH2.runIds(url())).containsExactly(1L, 2L);
  }

  @Test
  void damage_is_read_from_h2_codes_and_only_for_h2_files() {
    String missing = "jdbc:h2:file:" + dir.resolve("nosuch/cronloop");
    Throwable notFound = catchThrowable(() -> Database.open(Database.existing(missing), 1));
    MVStoreException chunkNotFound = new MVStoreException(DataUtils.ERROR_CHUNK_NOT_FOUND, "Chunk 2 not found");

    assertThat(notFound).isNotInstanceOf(DamagedH2File.class);
    assertThat(DamagedH2File.find("jdbc:postgresql://127.0.0.1/x", chunkNotFound)).isEmpty();
    assertThat(DamagedH2File.find("jdbc:h2:file:./db/cronloop", new IllegalStateException(chunkNotFound))).isPresent();
    assertThat(Database.h2File("jdbc:h2:mem:x")).isEmpty();
    assertThat(Database.h2File("jdbc:h2:file:./db/cronloop;AUTO_SERVER=TRUE"))
        .hasValue(Path.of("db/cronloop.mv.db").toAbsolutePath());
  }

  private List<String> names() throws Exception {
    try (Stream<Path> files = Files.list(dir.resolve("db"))) {
      return files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".trace.db")).sorted().toList();
    }
  }
}
