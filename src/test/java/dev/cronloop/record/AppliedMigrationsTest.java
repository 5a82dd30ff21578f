package dev.cronloop.record;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppliedMigrationsTest {
  @TempDir Path dir;

  @Test
  void versions_are_read_from_file_names_as_flyway_reads_them() {
    assertThat(AppliedMigrations.version("V2_1__journal_replays.sql")).hasValue("2.1");
    assertThat(AppliedMigrations.version("V04__paused_jobs.sql")).hasValue("4");
    assertThat(AppliedMigrations.version("R__view.sql")).isEmpty();
    assertThat(AppliedMigrations.version("V3__node_leases.sql.bak")).isEmpty();
  }

  @Test
  void every_shipped_migration_is_listed() {
    assertThat(AppliedMigrations.shipped("db/migration").orElseThrow()).contains("1", "2.1", "3", "4");
    assertThat(AppliedMigrations.shipped("db/no-such-folder")).isEmpty();
  }

  @Test
  void a_new_database_is_not_current_and_is_once_migrated() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("db/cronloop");
    try (HikariDataSource empty = pool(url)) {
      assertThat(AppliedMigrations.current(empty, "db/migration", "flyway_schema_history")).isFalse();
    }
    try (Database db = Database.open(url, 2)) {
      assertThat(AppliedMigrations.current(db.dataSource(), "db/migration", "flyway_schema_history")).isTrue();
    }
    // Opened again, without Flyway: the tables are all there.
    try (Database db = Database.open(url, 2);
        Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      assertThat(s.executeQuery("SELECT COUNT(*) FROM paused_jobs").next()).isTrue();
    }
  }

  @Test
  void a_missing_or_failed_version_is_not_current() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("db/cronloop");
    try (Database db = Database.open(url, 2);
        Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE \"flyway_schema_history\" SET \"success\" = FALSE WHERE \"version\" = '4'");
      assertThat(AppliedMigrations.current(db.dataSource(), "db/migration", "flyway_schema_history")).isFalse();
      s.executeUpdate("DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '4'");
      assertThat(AppliedMigrations.current(db.dataSource(), "db/migration", "flyway_schema_history")).isFalse();
    }
  }

  private static HikariDataSource pool(String url) {
    HikariDataSource pool = new HikariDataSource();
    pool.setJdbcUrl(url);
    pool.setMaximumPoolSize(1);
    return pool;
  }
}
