package dev.cronloop.bridge;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * Lends the engine's connection pool to Quartz's JDBC job store, so a node holds one pool, not
 * two. Quartz's shutdown leaves the pool open: the engine closes it after Quartz.
 */
public final class PooledConnections implements ConnectionProvider {
  private final DataSource pool;

  private PooledConnections(DataSource pool) {
    this.pool = pool;
  }

  /** Registers {@code pool} under {@code name}, the value of {@code org.quartz.jobStore.dataSource}. */
  public static void register(String name, DataSource pool) {
    DBConnectionManager.getInstance().addConnectionProvider(name, new PooledConnections(pool));
  }

  @Override
  public Connection getConnection() throws SQLException {
    return pool.getConnection();
  }

  @Override
  public void shutdown() {
    // The engine owns the pool and closes it after Quartz.
  }

  @Override
  public void initialize() {
    // The pool is open already.
  }
}
