package dev.cronloop.fetch;

import dev.cronloop.definition.JobDefinition;
import dev.cronloop.model.Fire;
import dev.cronloop.record.Fence;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fence in front of the start gate, on a fake lease clock: a fire launches only if the term it
 * was handed over in still holds when its instant comes; a lapse in between, even one the lease
 * has recovered from, keeps it from launching.
 */
@Timeout(30)
class LeaseGuardTest {
  private static final Duration VALID_FOR = Duration.ofSeconds(3);

  @TempDir Path dir;
  private Vertx vertx;
  private Context loop;
  private JobDefinition job;
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final Fence fence = new Fence(nanos::get);
  private final List<Fire> launched = new CopyOnWriteArrayList<>();
  private LeaseGuard guard;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    loop = vertx.getOrCreateContext();
    try (Fetching f = new Fetching(dir)) {
      job = f.job("requests: [http://127.0.0.1:1/a]");
    }
    StartGate[] gate = new StartGate[1];
    gate[0] = new StartGate(vertx, fires -> launched.addAll(guard.launchable(fires)));
    guard = new LeaseGuard(fence, gate[0]);
    fence.renewed(nanos.get(), VALID_FOR);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void a_fire_handed_over_in_a_term_that_holds_launches_at_its_instant() throws Exception {
    Instant at = Instant.now().plusMillis(200);

    handOver(fence.term(), at);

    await().atMost(Duration.ofSeconds(5)).until(() -> launched.size() == 1);
    assertThat(launched.get(0).firedAt()).isAfterOrEqualTo(at);
  }

  @Test
  void a_fire_whose_lease_runs_out_before_its_instant_never_launches() throws Exception {
    Instant at = Instant.now().plusMillis(200);
    handOver(fence.term(), at);

    nanos.addAndGet(VALID_FOR.toNanos()); // a pause: the check-in is overdue
    fence.renewed(nanos.get(), VALID_FOR); // back later, in a new term
    Instant marker = at.plusMillis(100);
    handOver(fence.term(), marker);

    // The gate releases fires in instant order: once the later marker launched, the first fire
    // was released before it and refused by the guard.
    await().atMost(Duration.ofSeconds(5)).until(() -> !launched.isEmpty());
    assertThat(launched).extracting(Fire::scheduledAt).containsExactly(marker);
  }

  @Test
  void a_fire_held_across_a_lapse_never_launches_even_when_the_lease_is_back() throws Exception {
    Instant held = Instant.now().plusMillis(300);
    handOver(fence.term(), held);
    nanos.addAndGet(VALID_FOR.toNanos() * 4); // frozen for 12 s
    fence.renewed(nanos.get(), VALID_FOR); // and checked in again, in a new term

    Instant fresh = held.plusMillis(100);
    handOver(fence.term(), fresh);

    // released in instant order: the held fire came to the guard before the fresh one launched
    await().atMost(Duration.ofSeconds(5)).until(() -> !launched.isEmpty());
    assertThat(launched).extracting(Fire::scheduledAt).containsExactly(fresh);
  }

  @Test
  void a_hand_off_read_in_a_term_that_lapsed_is_refused_at_the_gate() throws Exception {
    Fence.Term before = fence.term();
    nanos.addAndGet(VALID_FOR.toNanos() * 2);
    fence.renewed(nanos.get(), VALID_FOR);

    handOver(before, Instant.now().minusMillis(10)); // due at once

    assertThat(launched).isEmpty();
  }

  private void handOver(Fence.Term term, Instant at) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.runOnContext(v -> {
      guard.admit(term, List.of(Fire.scheduled(job, at, Instant.now())));
      done.complete(null);
    });
    done.get(5, TimeUnit.SECONDS);
  }
}
