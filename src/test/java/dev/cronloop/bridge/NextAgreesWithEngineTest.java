package dev.cronloop.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.cli.Main;
import dev.cronloop.model.Fire;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code cronloop next} prints exactly what the engine fires: over many random schedules, spreads,
 * job ids, zones and start instants, the times {@code next --spread --id} prints equal the fires
 * the trigger layer hands to the engine when a real Quartz scheduler's triggers are played in
 * order (as {@link TriggerLayerScheduleTest} does), and {@code nextFire} names the first of them.
 * Seeded, so a failure repeats; the seed and the case are in the message.
 */
class NextAgreesWithEngineTest {
  private static final long SEED = 0x15_0005L;
  private static final int CASES = 200;
  private static final int FIRES = 6;
  private static final int SHARDS = 4;
  private static final List<String> ZONES = List.of("UTC", "Europe/Berlin", "America/New_York",
      "Australia/Lord_Howe", "Pacific/Chatham", "Asia/Kolkata", "America/St_Johns", "Africa/Casablanca");
  private static final List<String> SPREADS = List.of("", "1s", "30s", "90s", "5m", "1h", "6h");

  private QuartzPlayer player;

  @BeforeEach
  void createScheduler() throws Exception {
    player = new QuartzPlayer();
  }

  @AfterEach
  void shutdown() throws Exception {
    player.close();
  }

  @Test
  void next_prints_the_fires_the_trigger_layer_hands_over_for_random_schedules_spreads_and_zones()
      throws Exception {
    Random random = new Random(SEED);

    for (int i = 0; i < CASES; i++) {
      String expression = expression(random);
      String zone = ZONES.get(random.nextInt(ZONES.size()));
      String spread = SPREADS.get(random.nextInt(SPREADS.size()));
      String id = "job-" + Integer.toHexString(random.nextInt());
      Instant from = Instant.parse("2026-01-01T00:00:00Z")
          .plusSeconds((long) (random.nextDouble() * 366 * 86_400)).plusMillis(random.nextInt(1000));
      String label = "seed " + SEED + " case " + i + ": next --from " + from + " --zone " + zone
          + " --spread " + spread + " --id " + id + " \"" + expression + "\"";

      List<Instant> printed = next(expression, zone, spread, id, from);
      TriggerLayer layer = new TriggerLayer(player.quartz, SHARDS, TriggerLayer.DEFAULT_MISFIRE_THRESHOLD,
          ShardLock.LOCAL, false, InstantSource.fixed(from));
      layer.sync(List.of(spread.isEmpty() ? QuartzPlayer.job(id, expression, zone)
          : QuartzPlayer.job(id, expression, zone, "spread: " + spread)), from);
      Instant armed = layer.nextFire(id).orElseThrow();
      List<Instant> fired = player.play(layer, SHARDS, Instant.MAX, FIRES).stream()
          .flatMap(step -> step.fires().stream()).filter(f -> f.job().id().equals(id)).map(Fire::scheduledAt).toList();
      player.quartz.clear();

      assertThat(printed).as(label).hasSize(FIRES);
      assertThat(fired).as(label).containsExactlyElementsOf(printed);
      assertThat(armed).as(label).isEqualTo(printed.get(0));
    }
  }

  /** A Unix, Quartz or {@code @every} expression, with lists, ranges and steps. */
  private static String expression(Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> "*/" + (1 + r.nextInt(30)) + " * * * *";
      case 1 -> r.nextInt(60) + " " + r.nextInt(24) + " * * *";
      case 2 -> r.nextInt(60) + "," + r.nextInt(60) + " " + r.nextInt(4) + "-" + (4 + r.nextInt(20)) + " * * "
          + r.nextInt(7);
      case 3 -> r.nextInt(60) + " */" + (1 + r.nextInt(20)) + " * * * ?";
      case 4 -> "0 " + r.nextInt(60) + " " + r.nextInt(24) + " L * ?";
      default -> "@every " + (1 + r.nextInt(7200)) + "s";
    };
  }

  /** What {@code cronloop next} prints, read back as instants. */
  private static List<Instant> next(String expression, String zone, String spread, String id, Instant from) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    List<String> args = new ArrayList<>(List.of("next", "--from", from.toString(), "--zone", zone,
        "--count", Integer.toString(FIRES)));
    if (!spread.isEmpty()) {
      args.addAll(List.of("--spread", spread, "--id", id));
    }
    args.add(expression);
    int code = cli.execute(args.toArray(String[]::new));
    assertThat(code).as(err.toString()).isZero();
    return out.toString().lines().map(l -> OffsetDateTime.parse(l).toInstant()).toList();
  }
}
