package dev.cronloop.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A new H2 file appears only once every migration is in it: a first start stopped midway leaves none. */
@Timeout(60)
class NewH2FileTest {
  @TempDir Path dir;

  @Test
  void the_file_appears_only_once_migrated_and_no_partial_file_is_left() throws Exception {
    Path file = dir.resolve("db/cronloop.mv.db");
    Path[] seen = new Path[1];

    NewH2File.createIfAbsent(Database.normalize(url()), partial -> {
      seen[0] = partial;
      assertThat(file).as("the database's own file while the migration is not in").doesNotExist();
      assertThat(partial).exists().hasFileName("cronloop.partial.mv.db");
    });

    assertThat(seen[0]).isNotNull();
    assertThat(file).exists();
    assertThat(seen[0]).doesNotExist();
    try (Database db = Database.open(url(), 2)) {
      assertThat(everyMigrationIn(db)).isTrue();
    }
  }

  /** As a kill between the migration and the move would leave it. */
  @Test
  void a_first_start_stopped_before_its_file_is_whole_leaves_none_and_the_next_start_makes_it() throws Exception {
    Path file = dir.resolve("db/cronloop.mv.db");

    assertThatThrownBy(() -> NewH2File.createIfAbsent(Database.normalize(url()), partial -> {
      throw new IllegalStateException("stopped");
    })).hasMessage("stopped");
    assertThat(file).doesNotExist();
    assertThat(dir.resolve("db/cronloop.partial.mv.db")).exists();

    try (Database db = Database.open(url(), 2)) {
      assertThat(everyMigrationIn(db)).isTrue();
    }
    assertThat(dir.resolve("db/cronloop.partial.mv.db")).doesNotExist();
  }

  @Test
  void a_partial_file_with_half_a_schema_is_made_again() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("db/cronloop.partial"), "", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE SEQUENCE run_id_blocks START WITH 1 INCREMENT BY 1000");
    }

    try (Database db = Database.open(url(), 2)) {
      assertThat(everyMigrationIn(db)).isTrue();
      assertThat(RunIds.open(io.vertx.core.Vertx.vertx(), db)).isNotNull();
    }
  }

  @Test
  void a_url_in_the_home_folder_is_made_there_and_opens_again() throws Exception {
    String home = System.getProperty("user.home");
    System.setProperty("user.home", dir.toString()); // H2 reads ~ from it too
    try {
      try (Database db = Database.open("jdbc:h2:file:~/db/home", 2)) {
        assertThat(everyMigrationIn(db)).isTrue();
      }
      assertThat(dir.resolve("db/home.mv.db")).exists();
      assertThat(dir.resolve("db/home.partial.mv.db")).doesNotExist();
      try (Database db = Database.open("jdbc:h2:file:~/db/home", 2)) {
        assertThat(everyMigrationIn(db)).isTrue();
      }
    } finally {
      System.setProperty("user.home", home);
    }
  }

  @Test
  void a_url_that_keeps_the_database_open_in_the_process_still_gets_its_file() throws Exception {
    try (Database db = Database.open(url() + ";DB_CLOSE_DELAY=-1", 2)) {
      assertThat(everyMigrationIn(db)).isTrue();
    }
    assertThat(dir.resolve("db/cronloop.partial.mv.db")).doesNotExist();
  }

  /** Two first starts at once: the second waits its turn, then opens what the first made. */
  @Test
  void a_second_maker_waits_for_the_first_and_makes_nothing() throws Exception {
    Path file = dir.resolve("db/cronloop.mv.db");
    CountDownLatch firstMigrated = new CountDownLatch(1);
    CountDownLatch letFirstMove = new CountDownLatch(1);
    AtomicBoolean secondMade = new AtomicBoolean();
    CompletableFuture<Void> first = CompletableFuture.runAsync(() -> NewH2File.createIfAbsent(Database.normalize(url()), partial -> {
      firstMigrated.countDown();
      try {
        letFirstMove.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    assertThat(firstMigrated.await(30, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> second = CompletableFuture.runAsync(
        () -> NewH2File.createIfAbsent(Database.normalize(url()), partial -> secondMade.set(true)));
    await().during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(2)).until(() -> !second.isDone());
    letFirstMove.countDown();
    first.get(30, TimeUnit.SECONDS);
    second.get(30, TimeUnit.SECONDS);

    assertThat(secondMade).as("the second found the file made").isFalse();
    assertThat(file).exists();
    assertThat(dir.resolve("db/cronloop.partial.lock")).as("the makers' lock, once the file is made").doesNotExist();
    try (Database db = Database.open(url(), 2)) {
      assertThat(everyMigrationIn(db)).isTrue();
    }
  }

  @Test
  void a_url_without_file_is_read_as_the_file_it_names() throws Exception {
    String plain = "jdbc:h2:" + dir.resolve("db/plain");

    try (Database db = Database.open(plain, 2)) {
      assertThat(everyMigrationIn(db)).isTrue();
      assertThat(db.url()).isEqualTo("jdbc:h2:file:" + dir.resolve("db/plain") + ";AUTO_SERVER=TRUE");
    }
    assertThat(dir.resolve("db/plain.mv.db")).exists();
    assertThat(dir.resolve("db/plain.partial.mv.db")).as("made whole first, as with file:").doesNotExist();
    assertThat(Database.journalFor(plain, "n1")).isEqualTo(Path.of(dir.resolve("db/plain") + ".journal"));
    assertThat(Database.oneOff(plain)).endsWith(";MAX_COMPACT_TIME=0");
    assertThat(Database.oneOff("jdbc:h2:mem:x")).isEqualTo("jdbc:h2:mem:x");
  }

  /** Every migration this build ships is applied, as the engine's own check at start reads it. */
  private static boolean everyMigrationIn(Database db) {
    return AppliedMigrations.current(db.dataSource(), "db/migration", "flyway_schema_history");
  }

  private String url() {
    return "jdbc:h2:file:" + dir.resolve("db/cronloop");
  }
}
