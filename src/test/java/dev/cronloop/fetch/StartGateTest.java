package dev.cronloop.fetch;

import dev.cronloop.definition.JobDefinition;
import dev.cronloop.model.Fire;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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

/** Fires handed over ahead of their instant start together when it comes, not before. */
class StartGateTest {
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
    gate = new StartGate(vertx, fires -> launches.add(new Launch(Instant.now(), fires)));
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void fires_of_one_instant_handed_over_apart_start_together_at_the_instant() throws Exception {
    Instant instant = Instant.now().plusMillis(400).truncatedTo(ChronoUnit.MILLIS);
    Instant handedOver = Instant.now();
    onLoop(() -> gate.admit(List.of(Fire.scheduled(a, instant, handedOver))));
    Thread.sleep(50);
    onLoop(() -> gate.admit(List.of(Fire.scheduled(b, instant, Instant.now()))));
    assertThat(launches).as("nothing starts before its instant").isEmpty();
    assertThat(onLoop(gate::held)).isEqualTo(2);

    awaitLaunches(1);
    Launch launch = launches.get(0);
    assertThat(launch.fires()).extracting(f -> f.job().id()).containsExactly(a.id(), b.id());
    assertThat(launch.at()).isAfterOrEqualTo(instant).isBefore(instant.plusMillis(100));
    assertThat(launch.fires()).allSatisfy(f -> {
      assertThat(f.scheduledAt()).isEqualTo(instant);
      assertThat(f.firedAt()).as("fired when the instant came, not at the hand-off")
          .isAfterOrEqualTo(instant).isBeforeOrEqualTo(launch.at());
    });
    assertThat(onLoop(gate::held)).isZero();
  }

  @Test
  void a_fire_whose_instant_has_passed_starts_at_once_and_a_manual_one_too() throws Exception {
    Instant late = Instant.now().minusSeconds(3);
    onLoop(() -> gate.admit(List.of(Fire.scheduled(a, late, late), Fire.manual(b, Instant.now()))));

    assertThat(launches).hasSize(1);
    assertThat(launches.get(0).fires()).extracting(Fire::scheduledAt).containsExactly(late, null);
    assertThat(launches.get(0).fires().get(0).firedAt()).isAfter(late.plusSeconds(2));
  }

  @Test
  void close_drops_the_fires_still_waiting() throws Exception {
    Instant instant = Instant.now().plusMillis(300);
    onLoop(() -> gate.admit(List.of(Fire.scheduled(a, instant, Instant.now()), Fire.scheduled(b, instant, Instant.now()))));

    assertThat(onLoop(gate::close)).isEqualTo(2);
    Thread.sleep(Duration.between(Instant.now(), instant).toMillis() + 200);
    assertThat(launches).isEmpty();
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

  private void awaitLaunches(int n) {
    await().atMost(Duration.ofSeconds(5)).until(() -> launches.size() >= n);
    assertThat(launches).hasSize(n);
  }
}
