package dev.cronloop.record;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * Whether a database already has every migration this build ships, so that opening it need not
 * start Flyway.
 *
 * <p>Flyway finds its migrations by scanning the class path and loads some 300 classes to do so:
 * about a third of a one-off {@code cronloop fire}'s start on a database that is already current,
 * which is the usual case. This check lists the migration files of one folder (the jar's entries,
 * or a directory when run from classes) and asks the history table which versions succeeded. Any
 * doubt (a folder it cannot list, no history table, a version missing, a failed one) answers
 * "not current", and Flyway then does what it always does, checksums included.
 */
final class AppliedMigrations {
  private static final Pattern VERSIONED = Pattern.compile("V(\\d+(?:[._]\\d+)*)__[^/]*\\.sql");

  private AppliedMigrations() {}

  /**
   * True when every versioned migration under class-path folder {@code location} (e.g. {@code
   * db/migration}) is recorded as successful in history table {@code table}.
   */
  static boolean current(DataSource db, String location, String table) {
    Optional<Set<String>> shipped = shipped(location);
    if (shipped.isEmpty() || shipped.get().isEmpty()) {
      return false;
    }
    try (Connection c = db.getConnection()) {
      return applied(c, table).containsAll(shipped.get());
    } catch (SQLException e) {
      return false; // no history table yet, or no access to it: Flyway decides
    }
  }

  /** The versions ({@code "2.1"}) of the migration files in {@code location}, when they can be listed. */
  static Optional<Set<String>> shipped(String location) {
    URL url = AppliedMigrations.class.getClassLoader().getResource(location);
    if (url == null) {
      return Optional.empty();
    }
    Set<String> versions = new HashSet<>();
    try {
      if (url.getProtocol().equals("jar")) {
        JarURLConnection jar = (JarURLConnection) url.openConnection();
        jar.setUseCaches(true); // the class loader's open JarFile, not a second one
        JarFile file = jar.getJarFile();
        String prefix = location + "/";
        file.stream()
            .map(e -> e.getName())
            .filter(n -> n.startsWith(prefix) && n.indexOf('/', prefix.length()) < 0)
            .forEach(n -> version(n.substring(prefix.length())).ifPresent(versions::add));
      } else if (url.getProtocol().equals("file")) {
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
          files.forEach(f -> version(f.getFileName().toString()).ifPresent(versions::add));
        }
      } else {
        return Optional.empty();
      }
    } catch (IOException | URISyntaxException | RuntimeException e) {
      return Optional.empty();
    }
    return Optional.of(versions);
  }

  /** {@code V2_1__journal_replays.sql} → {@code 2.1}; not a versioned migration → empty. */
  static Optional<String> version(String fileName) {
    Matcher m = VERSIONED.matcher(fileName);
    return m.matches() ? Optional.of(canonical(m.group(1).replace('_', '.'))) : Optional.empty();
  }

  /** Flyway's form of a version: no leading zeros in its parts ({@code 02.10} → {@code 2.10}). */
  private static String canonical(String version) {
    StringBuilder out = new StringBuilder();
    for (String part : version.split("\\.")) {
      if (out.length() > 0) {
        out.append('.');
      }
      out.append(new java.math.BigInteger(part));
    }
    return out.toString();
  }

  private static Set<String> applied(Connection c, String table) throws SQLException {
    String name = historyTable(c.getMetaData(), table);
    Set<String> versions = new HashSet<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT \"version\", \"success\" FROM " + name + " WHERE \"version\" IS NOT NULL")) {
      while (rs.next()) {
        if (rs.getBoolean(2)) {
          versions.add(canonical(rs.getString(1)));
        }
      }
    }
    return versions;
  }

  /**
   * The history table's name as the database spells it: Flyway creates it quoted in the
   * default schema, lower case ({@code "flyway_schema_history"}) on both H2 and PostgreSQL.
   */
  private static String historyTable(DatabaseMetaData meta, String table) throws SQLException {
    try (ResultSet rs = meta.getTables(null, null, table, new String[] {"TABLE"})) {
      if (rs.next()) {
        return '"' + table + '"';
      }
    }
    try (ResultSet rs = meta.getTables(null, null, table.toUpperCase(Locale.ROOT), new String[] {"TABLE"})) {
      if (rs.next()) {
        return table.toUpperCase(Locale.ROOT);
      }
    }
    throw new SQLException("no table " + table);
  }
}
