package dev.cronloop.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.definition.JobDefinition;
import dev.cronloop.model.Fire;
import dev.cronloop.model.Trigger;
import dev.cronloop.schedule.Schedule;
import dev.cronloop.schedule.Schedules;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quartz.Scheduler;
import org.quartz.TriggerKey;

/**
 * The trigger layer's fire times with a real Quartz scheduler and an injected clock: the test plays Quartz's
 * part by taking each shard trigger's next fire time and handing it to {@code takeDue}, so time
 * can cross DST transitions and outages without waiting.
 */
class TriggerLayerScheduleTest {
  private QuartzPlayer player;
  private Scheduler quartz;
  private TriggerLayer layer;

  @BeforeEach
  void createScheduler() throws Exception {
    player = new QuartzPlayer();
    quartz = player.quartz;
    layer = new TriggerLayer(quartz, 4, TriggerLayer.DEFAULT_MISFIRE_THRESHOLD);
  }

  @AfterEach
  void shutdown() throws Exception {
    player.close();
  }

  @Test
  void quartz_is_armed_with_exactly_the_times_the_schedule_engine_computes_across_dst() throws Exception {
    List<JobDefinition> jobs = List.of(
        job("fixed", "30 2 * * *", "Europe/Berlin"),
        job("wild", "*/30 * * * *", "Europe/Berlin"),
        job("lordhowe", "15 2 * * *", "Australia/Lord_Howe"),
        job("quartz", "0 0 1 L * ?", "America/New_York"),
        job("ny-fixed", "30 1 * * *", "America/New_York"),
        job("ny-wild", "0 * * * *", "America/New_York"),
        job("chatham", "0,45 2,3 * * *", "Pacific/Chatham"));
    Instant from = Instant.parse("2026-03-28T00:00:00Z");
    Instant until = Instant.parse("2026-04-06T00:00:00Z");

    layer.sync(jobs, from);
    Map<String, List<Instant>> fired = playQuartz(from, until);

    for (JobDefinition job : jobs) {
      assertThat(fired.getOrDefault(job.id(), List.of()))
          .as(job.id())
          .containsExactlyElementsOf(expected(job.schedule(), from, until));
    }
    assertThat(fired.get("fixed")).contains(Instant.parse("2026-03-29T01:00:00Z"));
  }

  @Test
  void fall_back_fires_fixed_time_jobs_once_and_wildcard_jobs_in_both_passes() throws Exception {
    List<JobDefinition> jobs = List.of(
        job("ny-fixed", "30 1 * * *", "America/New_York"),
        job("ny-wild", "*/30 1 * * *", "America/New_York"));
    Instant from = Instant.parse("2026-11-01T00:00:00Z");
    Instant until = Instant.parse("2026-11-02T00:00:00Z");

    layer.sync(jobs, from);
    Map<String, List<Instant>> fired = playQuartz(from, until);

    assertThat(fired.get("ny-fixed")).containsExactly(Instant.parse("2026-11-01T05:30:00Z"));
    assertThat(fired.get("ny-wild")).containsExactly(
        Instant.parse("2026-11-01T05:00:00Z"), Instant.parse("2026-11-01T05:30:00Z"),
        Instant.parse("2026-11-01T06:00:00Z"), Instant.parse("2026-11-01T06:30:00Z"));
  }

  @Test
  void fires_more_than_the_threshold_late_follow_the_misfire_policy_and_later_ones_run() throws Exception {
    JobDefinition once = job("once", "*/10 * * * * ?", "UTC", "misfire: fire-once");
    JobDefinition skip = job("skipper", "*/10 * * * * ?", "UTC", "misfire: skip");
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    layer.sync(List.of(once, skip), t0);
    Instant firstFire = t0.plusSeconds(10);
    Instant back = firstFire.plusSeconds(125);

    List<Fire> fires = new ArrayList<>();
    fires.addAll(layer.takeDue(layer.shardOf("once"), firstFire, back));
    if (layer.shardOf("skipper") != layer.shardOf("once")) {
      fires.addAll(layer.takeDue(layer.shardOf("skipper"), firstFire, back));
    }

    // Stalled 125 s with a 60 s threshold: 00:10-01:10 were missed, 01:20-02:10 are only late.
    List<Fire> onceFires = fires.stream().filter(f -> f.job().id().equals("once")).toList();
    assertThat(onceFires).hasSize(1 + 6);
    assertThat(onceFires.get(0).trigger()).isEqualTo(Trigger.MISFIRE);
    assertThat(onceFires.get(0).skipped()).isFalse();
    assertThat(onceFires.get(0).scheduledAt()).isEqualTo(firstFire);
    assertThat(onceFires.subList(1, 7)).extracting(Fire::trigger).containsOnly(Trigger.SCHEDULE);
    assertThat(onceFires.get(1).scheduledAt()).isEqualTo(Instant.parse("2026-01-01T00:01:20Z"));
    List<Fire> skipper = fires.stream().filter(f -> f.job().id().equals("skipper")).toList();
    assertThat(skipper).hasSize(7 + 6);
    assertThat(skipper.subList(0, 7)).allMatch(Fire::skipped)
        .allMatch(f -> f.trigger() == Trigger.MISFIRE);
    assertThat(skipper.get(0).scheduledAt()).isEqualTo(firstFire);
    assertThat(skipper.get(6).scheduledAt()).isEqualTo(Instant.parse("2026-01-01T00:01:10Z"));
    assertThat(skipper.subList(7, 13)).noneMatch(Fire::skipped)
        .allMatch(f -> f.trigger() == Trigger.SCHEDULE);
    assertThat(skipper.get(12).scheduledAt()).isEqualTo(firstFire.plusSeconds(120));
    assertThat(storedInstant("once")).isEqualTo(Instant.parse("2026-01-01T00:02:20Z"));
  }

  @Test
  void a_fire_within_the_threshold_is_a_normal_scheduled_fire() throws Exception {
    JobDefinition job = job("late", "*/10 * * * * ?", "UTC");
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    layer.sync(List.of(job), t0);

    List<Fire> fires = layer.takeDue(layer.shardOf("late"), t0.plusSeconds(10), t0.plusSeconds(12));

    assertThat(fires).singleElement().satisfies(f -> {
      assertThat(f.trigger()).isEqualTo(Trigger.SCHEDULE);
      assertThat(f.scheduledAt()).isEqualTo(t0.plusSeconds(10));
    });
  }

  @Test
  void sync_keeps_the_next_fire_of_unchanged_and_request_only_changes_and_drops_removed_jobs()
      throws Exception {
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    JobDefinition a = job("a", "0 0 * * * ?", "UTC");
    JobDefinition b = job("b", "0 30 * * * ?", "UTC");
    layer.sync(List.of(a, b), t0);
    playQuartz(t0, Instant.parse("2026-01-01T01:05:00Z"));

    JobDefinition aWithOtherRequests = job("a", "0 0 * * * ?", "UTC", "concurrency: 3");
    layer.sync(List.of(aWithOtherRequests), Instant.parse("2026-01-01T01:10:00Z"));

    assertThat(storedInstant("a")).isEqualTo(Instant.parse("2026-01-01T02:00:00Z"));
    if (layer.shardOf("b") != layer.shardOf("a")) {
      assertThat(quartz.getTrigger(key("b"))).isNull();
    }
  }

  /** Plays Quartz: the earliest armed shard trigger first, each on time, {@code HANDOFF_LEAD} ahead. */
  private Map<String, List<Instant>> playQuartz(Instant from, Instant until) throws Exception {
    Map<String, List<Instant>> fired = new java.util.TreeMap<>();
    for (QuartzPlayer.Step step : player.play(layer, 4, until, Integer.MAX_VALUE)) {
      assertThat(Duration.between(step.quartzTime(), step.at())).as("Quartz fires ahead of the instant")
          .isEqualTo(TriggerLayer.HANDOFF_LEAD);
      for (Fire f : step.fires()) {
        assertThat(f.trigger()).isEqualTo(Trigger.SCHEDULE);
        fired.computeIfAbsent(f.job().id(), k -> new ArrayList<>()).add(f.scheduledAt());
      }
    }
    return fired;
  }

  /** The instant the stored trigger of {@code job}'s shard stands for. */
  private Instant storedInstant(String job) throws Exception {
    return TriggerLayer.instantOf(quartz.getTrigger(key(job)));
  }

  private TriggerKey key(String job) {
    return QuartzPlayer.key(layer.shardOf(job));
  }

  private static List<Instant> expected(Schedule s, Instant from, Instant until) {
    List<Instant> times = new ArrayList<>();
    Instant t = from;
    while (true) {
      var next = s.next(t);
      if (next.isEmpty() || !next.get().isBefore(until)) {
        return times;
      }
      times.add(next.get());
      t = next.get();
    }
  }

  private static JobDefinition job(String id, String schedule, String zone, String... extra) throws Exception {
    Schedules.parse(schedule, ZoneId.of(zone));
    return QuartzPlayer.job(id, schedule, zone, extra);
  }
}
