package dev.cronloop.record;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The content of each job id as a cluster's nodes last synced it, in {@code job_versions}
 * (PostgreSQL only). A node records its content hashes at each sync; where another node recorded
 * different content for an id, the sync reports a {@link Conflict} and records its own, so the
 * table always holds the newest sync's content.
 *
 * <p>Runs on: the thread that syncs the catalog; blocking.
 */
public final class JobVersions {
  /** Another node synced other content for {@code jobId}. */
  public record Conflict(String jobId, String otherNode, String otherHash, Instant otherSyncedAt, String hash) {}

  private final DataSource dataSource;

  public JobVersions(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Records {@code hashes} (job id → content hash) as synced by {@code node} at {@code now}, in one
   * transaction.
   *
   * @return the ids whose recorded content differed, with what was recorded before
   */
  public List<Conflict> record(String node, Map<String, String> hashes, Instant now) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        List<Conflict> conflicts = record(c, node, hashes, now);
        c.commit();
        return conflicts;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static List<Conflict> record(Connection c, String node, Map<String, String> hashes, Instant now)
      throws SQLException {
    OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
    try (PreparedStatement insert = c.prepareStatement(
        "INSERT INTO job_versions (job_id, content_hash, node, updated_at) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (job_id) DO NOTHING")) {
      for (Map.Entry<String, String> e : hashes.entrySet()) {
        insert.setString(1, e.getKey());
        insert.setString(2, e.getValue());
        insert.setString(3, node);
        insert.setObject(4, at);
        insert.addBatch();
      }
      insert.executeBatch();
    }
    Map<String, Conflict> recorded = new HashMap<>();
    try (PreparedStatement select = c.prepareStatement(
            "SELECT job_id, content_hash, node, updated_at FROM job_versions FOR UPDATE");
        ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        String id = rs.getString(1);
        String hash = hashes.get(id);
        if (hash != null && !hash.equals(rs.getString(2))) {
          recorded.put(id, new Conflict(id, rs.getString(3), rs.getString(2),
              rs.getObject(4, OffsetDateTime.class).toInstant(), hash));
        }
      }
    }
    try (PreparedStatement update = c.prepareStatement(
        "UPDATE job_versions SET content_hash = ?, node = ?, updated_at = ? WHERE job_id = ?")) {
      for (Conflict conflict : recorded.values()) {
        update.setString(1, conflict.hash());
        update.setString(2, node);
        update.setObject(3, at);
        update.setString(4, conflict.jobId());
        update.addBatch();
      }
      update.executeBatch();
    }
    return new ArrayList<>(recorded.values());
  }
}
