package dev.cronloop.bridge;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A mutex per shard across every node of a cluster: whoever reads a shard's stored trigger and
 * writes its next one holds it, so a fire, a recovery and a sync of one shard never interleave.
 *
 * <p>On one node the trigger layer's own monitor is enough ({@link #LOCAL}). A cluster uses a
 * PostgreSQL advisory lock held on its own connection ({@link #postgres}); the server frees it
 * when that connection drops, so a node killed while holding it blocks no one.
 *
 * <p>Runs on: the catalog thread and Quartz workers; blocking.
 */
public interface ShardLock {
  /** No lock: a single node, where the shard monitor already serialises everything. */
  ShardLock LOCAL = shard -> () -> {};

  /** Waits for the lock of {@code shard}; closing the result releases it. */
  Held hold(int shard);

  /** A held lock. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }

  /** PostgreSQL advisory locks in the key space {@code (0x63726f6e "cron", shard)}. */
  static ShardLock postgres(DataSource dataSource) {
    return shard -> {
      Connection c = null;
      try {
        c = dataSource.getConnection();
        c.setAutoCommit(true);
        call(c, "SELECT pg_advisory_lock(?, ?)", shard);
      } catch (SQLException e) {
        closeQuietly(c);
        throw new IllegalStateException("cannot lock shard " + shard + ": " + e.getMessage(), e);
      }
      Connection held = c;
      return () -> {
        try {
          call(held, "SELECT pg_advisory_unlock(?, ?)", shard);
        } catch (SQLException e) {
          // The connection is broken: the server has dropped the session and its locks with it.
        } finally {
          closeQuietly(held);
        }
      };
    };
  }

  private static void call(Connection c, String sql, int shard) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setInt(1, 0x63726f6e);
      s.setInt(2, shard);
      s.execute();
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // nothing left to release
      }
    }
  }
}
