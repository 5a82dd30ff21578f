package dev.cronloop.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.record.LeaseClaim.Kind;
import dev.cronloop.record.LeaseClaim.Row;
import dev.cronloop.record.LeaseClaim.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The lease decision on a row as read, without a database: what is taken, what is taken over and
 * why, what is refused and what is watched, with the evidence its messages quote.
 */
class LeaseClaimTest {
  private static final Instant NOW = Instant.parse("2026-01-05T10:00:10Z");
  private static final String MINE = "token-mine";
  private static final LeaseHolder ME = new LeaseHolder("node-b", 100, "host-1", "pid:[1]", Instant.parse("2026-01-05T09:00:00Z"));
  private static final LeaseHolder SAME_HOST = new LeaseHolder("node-a", 200, "host-1", "pid:[1]", Instant.parse("2026-01-05T08:00:00Z"));
  private static final LeaseHolder ELSEWHERE = new LeaseHolder("node-a", 200, "host-2", "pid:[1]", Instant.parse("2026-01-05T08:00:00Z"));

  private final List<LeaseHolder> askedAbout = new ArrayList<>();

  @Test
  void an_absent_row_is_inserted() {
    Verdict v = LeaseClaim.decide(null, MINE, ME, NOW, running(true));

    assertThat(v).isEqualTo(new Verdict(Kind.INSERT, null));
    assertThat(v.kind().takes()).isTrue();
  }

  @Test
  void a_row_this_process_holds_is_taken_over_as_its_own() {
    Verdict v = LeaseClaim.decide(row(ME, MINE, NOW.plusSeconds(5)), MINE, ME, NOW, running(true));

    assertThat(v).isEqualTo(new Verdict(Kind.TAKE_OVER, "this process"));
  }

  @Test
  void an_expired_row_is_taken_over_naming_its_expiry_and_last_renewal() {
    Row expired = row(ELSEWHERE, "other", NOW);

    Verdict v = LeaseClaim.decide(expired, MINE, ME, NOW, running(true));

    assertThat(v.kind()).isEqualTo(Kind.TAKE_OVER);
    assertThat(v.why()).isEqualTo("its lease expired at 2026-01-05T10:00:10Z, not renewed since 2026-01-05T09:59:55Z");
  }

  @Test
  void a_row_of_a_process_of_this_host_that_no_longer_runs_is_taken_over() {
    Verdict v = LeaseClaim.decide(row(SAME_HOST, "other", NOW.plusSeconds(5)), MINE, ME, NOW, running(false));

    assertThat(v).isEqualTo(new Verdict(Kind.TAKE_OVER, "that process no longer runs"));
    assertThat(askedAbout).containsExactly(SAME_HOST);
  }

  @Test
  void a_row_of_a_live_process_of_this_host_is_refused_with_how_long_ago_it_renewed() {
    Row held = row(SAME_HOST, "other", NOW.plusSeconds(5)); // renewed 10 s before NOW

    Verdict v = LeaseClaim.decide(held, MINE, ME, NOW, running(true));

    assertThat(v).isEqualTo(new Verdict(Kind.HELD_BY_LIVE_PROCESS, "lease renewed 10000 ms ago"));
    assertThat(v.kind().takes()).isFalse();
  }

  @Test
  void a_renewal_stamped_after_now_counts_as_zero_ms_ago() {
    Row held = new Row(SAME_HOST, "other", 3, NOW.plusMillis(40), NOW.plusSeconds(15));

    assertThat(LeaseClaim.decide(held, MINE, ME, NOW, running(true)).why()).isEqualTo("lease renewed 0 ms ago");
  }

  @Test
  void a_live_row_of_another_host_is_watched_and_its_process_is_never_looked_up() {
    Verdict v = LeaseClaim.decide(row(ELSEWHERE, "other", NOW.plusSeconds(5)), MINE, ME, NOW, running(false));

    assertThat(v).isEqualTo(new Verdict(Kind.WATCH, null));
    assertThat(askedAbout).isEmpty();
  }

  @Test
  void pids_are_compared_only_within_one_known_pid_namespace() {
    LeaseHolder unknownNs = new LeaseHolder("node-b", 100, "host-1", null, ME.startedAt());
    Row held = row(SAME_HOST, "other", NOW.plusSeconds(5));

    Verdict v = LeaseClaim.decide(held, MINE, unknownNs, NOW, running(false));

    assertThat(v.kind()).isEqualTo(Kind.WATCH);
  }

  @Test
  void a_watched_row_renewed_or_replaced_is_evidence_of_a_live_holder() {
    Row first = row(ELSEWHERE, "other", NOW.plusSeconds(5));
    Row renewed = new Row(ELSEWHERE, "other", 3, first.renewedAt().plusSeconds(1), first.expiresAt().plusSeconds(1));
    Row replaced = new Row(ELSEWHERE, "third", 4, first.renewedAt(), first.expiresAt());

    assertThat(LeaseClaim.renewedSince(first, first)).isNull();
    assertThat(LeaseClaim.renewedSince(first, renewed)).isEqualTo("it renewed its lease 2026-01-05T10:00:01Z");
    assertThat(LeaseClaim.renewedSince(first, replaced)).isEqualTo("it renewed its lease 2026-01-05T10:00:00Z");
  }

  @Test
  void the_held_message_names_what_who_the_evidence_and_the_fix() {
    Row held = row(ELSEWHERE, "other", NOW.plusSeconds(5));

    String message = LeaseClaim.heldMessage(held, "the database x", LeaseClaim.DID_NOT_EXPIRE, "stop it first");

    assertThat(message).isEqualTo("the database x is in use by node node-a (pid 200 on host host-2, running since"
        + " 2026-01-05T08:00:00Z), its lease did not expire; stop it first");
  }

  @Test
  void expiry_is_three_periods_after_the_last_renewal_on_the_database_clock() {
    Instant renewed = Instant.parse("2026-01-05T10:00:00Z");

    Instant expires = LeaseClaim.expiry(renewed, Duration.ofSeconds(5));

    assertThat(expires).isEqualTo(renewed.plusSeconds(15));
    assertThat(LeaseClaim.expired(expires, expires.minusMillis(1))).isFalse();
    assertThat(LeaseClaim.expired(expires, expires)).isTrue();
    assertThat(NodeLease.takeoverBound(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(16));
    assertThat(LeaseClaim.poll(Duration.ofMillis(200))).isEqualTo(Duration.ofMillis(50));
  }

  /** A row renewed 15 s before it expires (three 5 s periods). */
  private static Row row(LeaseHolder holder, String token, Instant expiresAt) {
    return new Row(holder, token, 3, expiresAt.minusSeconds(15), expiresAt);
  }

  private Predicate<LeaseHolder> running(boolean answer) {
    return h -> {
      askedAbout.add(h);
      return answer;
    };
  }
}
