package dev.cronloop.record;

import dev.cronloop.testkit.Postgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link NoticeStoreTest} on PostgreSQL: migration V6 runs there, and the row lock holds. */
@Tag("cluster")
@Timeout(120)
class NoticeStorePostgresIT {

  @Test
  void two_nodes_counting_one_job_at_once_record_the_transition_once() throws Exception {
    try (Postgres pg = Postgres.freshDatabase(); Database db = Database.open(pg.url(), 6)) {
      NoticeStoreTest.countConcurrently(db);
    }
  }

  @Test
  void a_live_node_takes_over_the_pending_notices_of_a_node_whose_lease_expired() throws Exception {
    try (Postgres pg = Postgres.freshDatabase(); Database db = Database.open(pg.url(), 4)) {
      NoticeStoreTest.takeOver(db);
    }
  }

  @Test
  void a_pending_notice_is_found_again_by_its_node_and_ends_with_its_attempts() throws Exception {
    try (Postgres pg = Postgres.freshDatabase(); Database db = Database.open(pg.url(), 4)) {
      NoticeStoreTest.pendingAndAttempts(db);
    }
  }
}
