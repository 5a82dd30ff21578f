package dev.cronloop.fetch;

import dev.cronloop.definition.JobDefinition;
import dev.cronloop.model.Fire;
import dev.cronloop.testkit.TestClock;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fires handed over ahead of their instant start together when it comes, not before. Time is a
 * {@link TestClock} moved by the test on the gate's context: no test here waits for real time.
 */
class StartGateTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-06-01T12:00:00.250Z"));
  @TempDir Path dir;
  private Vertx vertx;
  private Context loop;
  private JobDefinition a;
  private JobDefinition b;
  /** Each call of the gate's launch: when it ran, and the fires it got. */
  private final List<Launch> launches = new CopyOnWriteArrayList<>();
  private StartGate gate;

  private record Launch(Instant at, List<Fire> fires) {}

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    loop = vertx.getOrCreateContext();
    try (Fetching f = new Fetching(dir)) {
      a = f.job("requests: [http://127.0.0.1:1/a]");
      b = f.job("requests: [http://127.0.0.1:1/b]");
    }
    gate = new StartGate(clock, clock, fires -> launches.add(new Launch(clock.instant(), fires)));
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void fires_of_one_instant_handed_over_apart_start_together_at_the_instant() throws Exception {
    Instant instant = clock.instant().plusMillis(400);
    Instant handedOver = clock.instant();
    onLoop(() -> gate.admit(List.of(Fire.scheduled(a, instant, handedOver))));
    onLoop(() -> clock.advance(Duration.ofMillis(50)));
    onLoop(() -> gate.admit(List.of(Fire.scheduled(b, instant, clock.instant()))));
    onLoop(() -> clock.advance(Duration.ofMillis(349)));
    assertThat(launches).as("nothing starts before its instant").isEmpty();
    assertThat(onLoop(gate::held)).isEqualTo(2);

    onLoop(() -> clock.advance(Duration.ofMillis(1)));

    assertThat(launches).hasSize(1);
    Launch launch = launches.get(0);
    assertThat(launch.fires()).extracting(f -> f.job().id()).containsExactly(a.id(), b.id());
    assertThat(launch.at()).as("one timer, at the instant").isEqualTo(instant);
    assertThat(launch.fires()).allSatisfy(f -> {
      assertThat(f.scheduledAt()).isEqualTo(instant);
      assertThat(f.firedAt()).as("fired when the instant came, not at the hand-off").isEqualTo(instant);
    });
    assertThat(onLoop(gate::held)).isZero();
    assertThat(clock.timers()).isZero();
  }

  @Test
  void a_fire_whose_instant_has_passed_starts_at_once_and_a_manual_one_too() throws Exception {
    Instant late = clock.instant().minusSeconds(3);
    onLoop(() -> gate.admit(List.of(Fire.scheduled(a, late, late), Fire.manual(b, clock.instant()))));

    assertThat(launches).hasSize(1);
    assertThat(launches.get(0).fires()).extracting(Fire::scheduledAt).containsExactly(late, null);
    assertThat(launches.get(0).fires().get(0).firedAt()).isEqualTo(late.plusSeconds(3));
    assertThat(clock.timers()).isZero();
  }

  @Test
  void close_drops_the_fires_still_waiting() throws Exception {
    Instant instant = clock.instant().plusMillis(300);
    onLoop(() -> gate.admit(List.of(Fire.scheduled(a, instant, clock.instant()), Fire.scheduled(b, instant, clock.instant()))));

    assertThat(onLoop(gate::close)).isEqualTo(2);
    onLoop(() -> clock.advance(Duration.ofSeconds(1)));

    assertThat(launches).isEmpty();
    assertThat(clock.timers()).isZero();
  }

  @Test
  void the_engine_gate_waits_on_vertx_timers_for_a_real_instant() throws Exception {
    List<Fire> started = new CopyOnWriteArrayList<>();
    StartGate real = new StartGate(vertx, started::addAll);
    Instant instant = Instant.now().plusMillis(50);

    onLoop(() -> real.admit(List.of(Fire.scheduled(a, instant, Instant.now()))));

    await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 1);
    assertThat(started.get(0).firedAt()).isAfterOrEqualTo(instant);
  }

  private void onLoop(Runnable r) throws Exception {
    onLoop(() -> {
      r.run();
      return null;
    });
  }

  private <T> T onLoop(java.util.concurrent.Callable<T> c) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    loop.runOnContext(v -> {
      try {
        result.complete(c.call());
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(5, TimeUnit.SECONDS);
  }

}
