package dev.cronloop.record;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The outcome database: a small connection pool on H2 or PostgreSQL, migrated on open.
 *
 * <p>An H2 file URL gets {@code AUTO_SERVER=TRUE}, H2's mixed mode, so that {@code cronloop runs}
 * in a second terminal can read the file while {@code cronloop run} holds it.
 *
 * <p>Runs on: whichever thread opens it (a worker thread, never the event loop).
 */
public final class Database implements AutoCloseable {
  /** The default database: an H2 file under {@code ./db}. */
  public static final String DEFAULT_URL = "jdbc:h2:file:./db/cronloop";

  private final String url;
  private final HikariDataSource pool;

  private Database(String url, HikariDataSource pool) {
    this.url = url;
    this.pool = pool;
  }

  /** How long a call waits for a connection by default. */
  public static final Duration DEFAULT_CONNECTION_WAIT = Duration.ofSeconds(10);
  /** Hikari's floor for the connection wait. */
  private static final Duration MIN_CONNECTION_WAIT = Duration.ofMillis(250);

  /** Opens the database at {@code jdbcUrl} and applies every pending migration. */
  public static Database open(String jdbcUrl, int poolSize) {
    return open(jdbcUrl, poolSize, DEFAULT_CONNECTION_WAIT);
  }

  /**
   * The connection wait of an engine whose outcomes spill to the journal after {@code spillAfter}:
   * no longer than the spill delay, so that one write attempt waiting on a database that is away
   * does not hold the switch to the journal back past it (with the default 30 s spill delay, the
   * default 10 s wait).
   */
  public static Duration connectionWaitFor(Duration spillAfter) {
    Duration wait = spillAfter.compareTo(DEFAULT_CONNECTION_WAIT) < 0 ? spillAfter : DEFAULT_CONNECTION_WAIT;
    return wait.compareTo(MIN_CONNECTION_WAIT) < 0 ? MIN_CONNECTION_WAIT : wait;
  }

  /**
   * Opens the database at {@code jdbcUrl} and applies every pending migration; a call waits up to
   * {@code connectionWait} for a connection before it fails. An H2 file that H2 cannot open
   * because its content is damaged fails with {@link DamagedH2File}, whose line names the repair.
   */
  public static Database open(String jdbcUrl, int poolSize, Duration connectionWait) {
    String url = normalize(jdbcUrl);
    if (!url.toUpperCase(java.util.Locale.ROOT).contains("IFEXISTS=TRUE") && url.startsWith("jdbc:h2:file:")) {
      NewH2File.createIfAbsent(url, migrated -> {}); // its folder too; whole or not at all, see there
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(Math.max(2, poolSize)); // Flyway holds two while migrating
    config.setMinimumIdle(1);
    config.setPoolName("cronloop-db");
    config.setConnectionTimeout(connectionWait.toMillis());
    // Hikari's default of 5 s must not exceed the wait; a shorter wait validates faster too.
    config.setValidationTimeout(Math.min(5_000, connectionWait.toMillis()));
    HikariDataSource pool;
    try {
      pool = openPool(config);
    } catch (RuntimeException e) {
      throw damagedOr(url, e);
    }
    try {
      migrate(pool, url.startsWith("jdbc:postgresql:"));
    } catch (RuntimeException e) {
      pool.close();
      throw damagedOr(url, e); // a damaged page may first be read by a migration's query
    }
    return new Database(url, pool);
  }

  /** {@link DamagedH2File} when {@code e} says the H2 file of {@code url} is damaged, else {@code e}. */
  private static RuntimeException damagedOr(String url, RuntimeException e) {
    return DamagedH2File.find(url, e).<RuntimeException>map(damaged -> damaged).orElse(e);
  }

  /**
   * The pool, retried for up to 5 s while H2 reports its lock file "recently modified": another
   * process (a {@code cronloop runs}, or one just killed) held the file a moment ago, and H2 refuses
   * until the lock file has been still for a while. Any other failure is thrown at once.
   */
  private static HikariDataSource openPool(HikariConfig config) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (true) {
      try {
        return new HikariDataSource(config);
      } catch (RuntimeException e) {
        if (!lockRecentlyModified(e) || System.nanoTime() - deadline > 0) {
          throw e;
        }
        try {
          Thread.sleep(250); // on the thread that opens the database, never the event loop
        } catch (InterruptedException stop) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static boolean lockRecentlyModified(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("Lock file recently modified")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Applies the pending migrations, without starting Flyway when the database already has every
   * one this build ships (see {@link AppliedMigrations}).
   */
  static void migrate(DataSource pool, boolean postgres) {
    if (!AppliedMigrations.current(pool, "db/migration", "flyway_schema_history")) {
      Flyway.configure().dataSource(pool).loggers("slf4j").load().migrate();
    }
    if (postgres && !AppliedMigrations.current(pool, "db/migration-postgresql", "flyway_quartz_history")) {
      // Quartz's tables keep their own history table, so their versions never interleave with
      // the outcome tables' versions that other branches add to db/migration.
      Flyway.configure()
          .dataSource(pool)
          .locations("classpath:db/migration-postgresql")
          .table("flyway_quartz_history")
          .baselineOnMigrate(true)
          .baselineVersion("0")
          .loggers("slf4j")
          .load()
          .migrate();
    }
  }

  /**
   * Forces what {@code c} committed to disk. H2 writes a commit to its file up to half a second
   * later (its write delay), so a process killed with -9 may lose the last commits; the few rows
   * that must survive that (a taken lease, a notice owed) call this after their commit. A no-op on
   * PostgreSQL, whose commit is durable already. A failure is logged and otherwise ignored: the
   * data is committed, only its early flush failed.
   */
  static void forceToDisk(Connection c) {
    try {
      if ("H2".equals(c.getMetaData().getDatabaseProductName())) {
        try (Statement s = c.createStatement()) {
          s.execute("CHECKPOINT SYNC");
        }
      }
    } catch (SQLException e) {
      org.slf4j.LoggerFactory.getLogger(Database.class).debug("could not force a commit to disk: {}", e.getMessage());
    }
  }

  /**
   * The default journal file for a database: next to an H2 file ({@code ./db/cronloop} →
   * {@code ./db/cronloop.journal}), else {@code db/cronloop-NODE.journal}, one per node, as the
   * nodes of a cluster may share a working folder.
   */
  public static Path journalFor(String url, String node) {
    String jdbcUrl = fileForm(url);
    if (jdbcUrl.startsWith("jdbc:h2:file:")) {
      String file = jdbcUrl.substring("jdbc:h2:file:".length()).split(";", 2)[0];
      return Path.of(file + ".journal");
    }
    return Path.of("db", "cronloop-" + node.replaceAll("[^A-Za-z0-9._-]", "_") + ".journal");
  }

  /** The suffix H2 adds to a database's name for its file. */
  public static final String H2_SUFFIX = ".mv.db";

  /**
   * The file of an H2 file URL ({@code jdbc:h2:file:./db/cronloop} or {@code jdbc:h2:./db/cronloop}
   * → the absolute {@code .../db/cronloop.mv.db}), or empty for any other URL: PostgreSQL, or an H2
   * URL of another kind ({@code mem:}, {@code tcp:}, {@code zip:}).
   */
  public static Optional<Path> h2File(String jdbcUrl) {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:h2:")) {
      return Optional.empty();
    }
    String path = jdbcUrl.substring("jdbc:h2:".length()).split(";", 2)[0];
    if (path.startsWith("file:")) {
      path = path.substring("file:".length());
    } else if (path.matches("[A-Za-z]{2,}:.*")) {
      return Optional.empty();
    }
    if (path.startsWith("~")) {
      path = System.getProperty("user.home") + path.substring(1);
    }
    return Optional.of(Path.of(path + H2_SUFFIX).toAbsolutePath().normalize());
  }

  /** The URL as used, after {@link #normalize}. */
  public String url() {
    return url;
  }

  public DataSource dataSource() {
    return pool;
  }

  public boolean isPostgres() {
    return url.startsWith("jdbc:postgresql:");
  }

  /** Takes the next block of {@link RunIds#BLOCK} run ids; returns its first id. Blocking. */
  long nextRunIdBlock() throws SQLException {
    String sql =
        isPostgres() ? "SELECT nextval('run_id_blocks')" : "SELECT NEXT VALUE FOR run_id_blocks";
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Marks the runs this node left RUNNING (it was killed) as INTERRUPTED, keeping the fetches
   * they recorded. Call once at start, before any run of this node begins. Blocking.
   *
   * @param at their end, on the engine's clock
   * @return how many runs were marked
   */
  public int interruptRunsOf(String node, java.time.Instant at) throws SQLException {
    try (Connection c = pool.getConnection()) {
      return interruptRunsOf(c, node, at);
    }
  }

  /**
   * Marks the RUNNING runs of {@code node} INTERRUPTED on {@code c}, in the caller's transaction:
   * used by a cluster node that recovers a dead node (see {@code bridge.ClusterJobStore}).
   *
   * @param at their end, on the recovering engine's clock
   * @return how many runs were marked
   */
  public static int interruptRunsOf(Connection c, String node, java.time.Instant at) throws SQLException {
    try (java.sql.PreparedStatement s =
            c.prepareStatement(
                "UPDATE runs SET status = 'INTERRUPTED', finished_at = ?,"
                    + " requests_ok = (SELECT COUNT(*) FROM fetches f WHERE f.run_id = runs.id AND f.outcome = 'OK'),"
                    + " requests_failed = (SELECT COUNT(*) FROM fetches f WHERE f.run_id = runs.id AND f.outcome <> 'OK')"
                    + " WHERE status = 'RUNNING' AND node = ?")) {
      OutcomeStore.setInstant(s, 1, at);
      s.setString(2, node);
      return s.executeUpdate();
    }
  }

  /** True when a connection can be had and answers a trivial query within a second. */
  public boolean reachable() {
    try (Connection c = pool.getConnection()) {
      return c.isValid(1);
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * An H2 file URL written without {@code file:} ({@code jdbc:h2:./db/cronloop}, {@code
   * jdbc:h2:~/x}, {@code jdbc:h2:/var/lib/x}) in the form with it, which H2 reads the same; every
   * other URL as it is. What is done for H2 files (the whole-or-nothing first file, the mixed
   * mode, the journal beside the file, the one-off close) then applies to both spellings.
   */
  static String fileForm(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:h2:") && !jdbcUrl.startsWith("jdbc:h2:file:") && h2File(jdbcUrl).isPresent()) {
      return "jdbc:h2:file:" + jdbcUrl.substring("jdbc:h2:".length());
    }
    return jdbcUrl;
  }

  /** The URL with H2's mixed mode switched on for file databases; others are left as they are. */
  static String normalize(String url) {
    String jdbcUrl = fileForm(url);
    if (jdbcUrl.startsWith("jdbc:h2:file:") && !jdbcUrl.toUpperCase().contains("AUTO_SERVER")) {
      return jdbcUrl + ";AUTO_SERVER=TRUE";
    }
    return jdbcUrl;
  }

  /**
   * The URL that opens only a database that exists: H2 ({@code IFEXISTS=TRUE}) then fails with
   * error 90146 instead of creating an empty file, and {@link #open} creates no folder. For the
   * commands that read or add to a database {@code run} made ({@code runs}, {@code fire}); other
   * URLs are left as they are (a PostgreSQL database is never created by connecting).
   */
  public static String existing(String jdbcUrl) {
    boolean h2 = jdbcUrl.startsWith("jdbc:h2:") && !jdbcUrl.startsWith("jdbc:h2:mem:");
    if (!h2 || jdbcUrl.toUpperCase(java.util.Locale.ROOT).contains("IFEXISTS")) {
      return jdbcUrl;
    }
    return jdbcUrl + ";IFEXISTS=TRUE";
  }

  /**
   * The URL for a process that holds the database for a moment, as a one-off {@code cronloop fire}:
   * an H2 file database then closes without compacting its file ({@code MAX_COMPACT_TIME=0}). H2
   * otherwise spends up to 200 ms of every close moving chunks to shrink the file, a fifth of a
   * one-URL fire, while the space a compaction would give back is reused by the next writes
   * anyway; a {@code cronloop run} still compacts when it stops. The setting applies where the
   * database is opened: a fire that reaches the file through a running engine's server
   * ({@code AUTO_SERVER}) leaves that engine's settings as they are. Other URLs, and a URL that
   * sets {@code MAX_COMPACT_TIME} itself, are returned as they are.
   */
  public static String oneOff(String url) {
    String jdbcUrl = fileForm(url);
    if (!jdbcUrl.startsWith("jdbc:h2:file:") || jdbcUrl.toUpperCase(java.util.Locale.ROOT).contains("MAX_COMPACT_TIME")) {
      return jdbcUrl;
    }
    return jdbcUrl + ";MAX_COMPACT_TIME=0";
  }

  /** Prints the URL without a password, for the start-up line. */
  public static String redact(String jdbcUrl) {
    return jdbcUrl.replaceAll("(?i)(password=)[^;&]*", "$1***");
  }

  @Override
  public void close() {
    pool.close();
  }
}
