package dev.cronloop.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The PostgreSQL the build brings (used when no server is given): asked for directly, so that it
 * is tested even where {@code CRONLOOP_TEST_PG_URL} names another server.
 */
@Tag("cluster")
@Timeout(120)
class PostgresServerIT {

  @Test
  void one_server_per_jvm_on_loopback_that_takes_fresh_databases() throws Exception {
    String url = PostgresServer.url();

    assertThat(PostgresServer.url()).as("second call, same server").isEqualTo(url);
    assertThat(url).startsWith("jdbc:postgresql://127.0.0.1:");
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      assertThat(value(s, "SHOW server_version")).startsWith("18.");
      assertThat(value(s, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
      assertThat(value(s, "SELECT inet_server_addr()::text")).startsWith("127.0.0.1");
      Path data = Path.of(value(s, "SHOW data_directory"));
      assertThat(Files.getAttribute(data, "unix:uid")).as("owner of %s: never root", data).isNotEqualTo(0);
    }
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE server_it");
      s.execute("DROP DATABASE server_it");
    }
  }

  private static String value(Statement s, String sql) throws Exception {
    try (ResultSet r = s.executeQuery(sql)) {
      assertThat(r.next()).isTrue();
      return r.getString(1);
    }
  }
}
