package dev.cronloop.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The PostgreSQL server of the cluster tests: each test gets a fresh database on it, dropped on
 * close. The server is the one {@link #URL_VARIABLE} names, else the one in
 * {@code target/postgres.url} (both written by {@code .ci/postgres.sh start}), else a server the
 * build brings itself ({@link PostgresServer}, started once per JVM). An unreachable server fails
 * the test and says how to fix it; cluster tests are never skipped in silence.
 */
public final class Postgres implements AutoCloseable {
  /** The variable {@code .ci/postgres.sh start} exports. */
  public static final String URL_VARIABLE = "CRONLOOP_TEST_PG_URL";

  private final String serverUrl;
  private final String name;

  private Postgres(String serverUrl, String name) {
    this.serverUrl = serverUrl;
    this.name = name;
  }

  /** Creates a fresh database on the test server. */
  public static Postgres freshDatabase() throws SQLException {
    String url = serverUrl();
    String name = "cronloop_it_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new AssertionError(
          "cannot reach the test PostgreSQL at " + url + " (" + e.getMessage()
              + "); point " + URL_VARIABLE + " or target/postgres.url at a running server, or unset"
              + " the one and delete the other to use the server the build brings", e);
    }
    return new Postgres(url, name);
  }

  private static String serverUrl() {
    String url = System.getenv(URL_VARIABLE);
    Path file = Path.of("target/postgres.url");
    if ((url == null || url.isBlank()) && Files.exists(file)) {
      try {
        url = Files.readString(file).trim();
      } catch (IOException e) {
        throw new AssertionError("cannot read " + file + ": " + e, e);
      }
    }
    if (url == null || url.isBlank()) {
      return PostgresServer.url();
    }
    return url;
  }

  /** The JDBC URL of this test's database. */
  public String url() {
    int q = serverUrl.indexOf('?');
    String base = q < 0 ? serverUrl : serverUrl.substring(0, q);
    String query = q < 0 ? "" : serverUrl.substring(q);
    return base.substring(0, base.lastIndexOf('/') + 1) + name + query;
  }

  /** A connection to this test's database. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url());
  }

  @Override
  public void close() throws SQLException {
    try (Connection c = DriverManager.getConnection(serverUrl); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }
}
