package dev.cronloop.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The fence's arithmetic on a fake monotonic clock: deadlines, terms and a lost lease. */
class FenceTest {
  private static final Duration VALID_FOR = Duration.ofMillis(3_500); // check-in 2 s + grace 2 s - margin 0.5 s
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final Fence fence = new Fence(nanos::get);

  @Test
  void a_fence_is_closed_until_the_first_renewal_and_then_open_until_its_deadline() {
    Fence.Term before = fence.term();

    fence.renewed(nanos.get(), VALID_FOR);
    Fence.Term first = fence.term();

    assertThat(fence.holds(before)).isFalse();
    assertThat(fence.holds(first)).isTrue();
    advance(3_499);
    assertThat(fence.holds(first)).isTrue();
    advance(1);
    assertThat(fence.holds(first)).as("at the deadline").isFalse();
  }

  @Test
  void renewals_in_time_keep_one_term_and_move_its_deadline_on() {
    fence.renewed(nanos.get(), VALID_FOR);
    Fence.Term first = fence.term();

    for (int i = 0; i < 10; i++) {
      advance(2_000);
      fence.renewed(nanos.get() - 300_000_000L, VALID_FOR); // each renewal started 300 ms ago
    }

    assertThat(fence.term().number()).isEqualTo(first.number());
    assertThat(fence.holds(first)).isTrue();
  }

  @Test
  void a_renewal_after_a_lapse_opens_a_new_term_and_the_old_one_never_holds_again() {
    fence.renewed(nanos.get(), VALID_FOR);
    Fence.Term first = fence.term();
    advance(10_000); // a long pause: the deadline passed

    fence.renewed(nanos.get(), VALID_FOR);

    assertThat(fence.term().number()).isEqualTo(first.number() + 1);
    assertThat(fence.holds(first)).as("fires handed over before the lapse").isFalse();
    assertThat(fence.holds(fence.term())).isTrue();
  }

  @Test
  void a_renewal_that_started_before_the_deadline_but_ended_after_it_keeps_the_term() {
    fence.renewed(nanos.get(), VALID_FOR);
    Fence.Term first = fence.term();
    advance(3_000);
    long started = nanos.get();
    advance(1_000); // the renewal took a second: the fence was closed for half of it

    fence.renewed(started, VALID_FOR);

    assertThat(fence.term().number()).isEqualTo(first.number());
    assertThat(fence.holds(first)).isTrue();
  }

  @Test
  void a_failed_renewal_leaves_the_deadline_and_a_lost_lease_closes_the_fence_for_good() {
    fence.renewed(nanos.get(), VALID_FOR);
    fence.failed("connection refused");
    assertThat(fence.holds(fence.term())).isTrue();
    assertThat(fence.term().why()).isEqualTo("connection refused");

    fence.lose("taken over by node b");
    fence.renewed(nanos.get(), VALID_FOR);

    assertThat(fence.holds(fence.term())).isFalse();
    assertThat(fence.term().lost()).isTrue();
  }

  @Test
  void takeover_waits_longer_than_the_fenced_node_s_lease() {
    for (Duration checkin : new Duration[] {Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(30)}) {
      Duration takeover = checkin.plus(dev.cronloop.bridge.ClusterJobStore.graceFor(checkin));

      assertThat(dev.cronloop.bridge.ClusterJobStore.fenceFor(checkin))
          .as("check-in %s", checkin).isLessThanOrEqualTo(takeover.minusMillis(500));
    }
  }

  private void advance(long millis) {
    nanos.addAndGet(millis * 1_000_000L);
  }
}
