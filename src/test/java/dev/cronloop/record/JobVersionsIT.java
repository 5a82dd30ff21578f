package dev.cronloop.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.testkit.Postgres;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code job_versions} on PostgreSQL: nodes that sync different content for one id are told. */
@Tag("cluster")
@Timeout(60)
class JobVersionsIT {
  private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");

  @Test
  void a_node_syncing_other_content_for_an_id_gets_a_conflict_and_its_content_is_recorded()
      throws Exception {
    try (Postgres pg = Postgres.freshDatabase(); Database db = Database.open(pg.url(), 2)) {
      JobVersions versions = new JobVersions(db.dataSource());

      var first = versions.record("node-a", Map.of("same", "h1", "changed", "h2"), T0);
      var again = versions.record("node-b", Map.of("same", "h1", "changed", "h2"), T0.plusSeconds(1));
      var other = versions.record("node-c", Map.of("same", "h1", "changed", "h3"), T0.plusSeconds(2));

      assertThat(first).isEmpty();
      assertThat(again).isEmpty();
      assertThat(other).containsExactly(
          new JobVersions.Conflict("changed", "node-a", "h2", T0, "h3"));
      try (var c = pg.connect();
          ResultSet rs = c.createStatement().executeQuery(
              "SELECT content_hash, node FROM job_versions WHERE job_id = 'changed'")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("h3");
        assertThat(rs.getString(2)).isEqualTo("node-c");
      }
    }
  }
}
