package dev.cronloop.record;

import static dev.cronloop.testkit.RecorderRows.count;
import static dev.cronloop.testkit.RecorderRows.submitRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.cronloop.testkit.FaultyDataSource;
import dev.cronloop.testkit.LogCapture;
import dev.cronloop.testkit.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorder's pacing through a database outage on its own clock, against a real H2 file behind
 * a switch: the backoff between attempts, the spill delay, one probe a second while degraded, and
 * what the WARNs say. The writer's waits move a {@link TestClock} instead of sleeping, so the test
 * sees the exact sequence of waits and costs no real time.
 */
@Timeout(60)
class OutagePacingTest {
  private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");

  @TempDir Path dir;

  private final TestClock clock = new TestClock(START);
  private final List<Duration> waits = new CopyOnWriteArrayList<>();

  @Test
  void attempts_back_off_by_doubling_until_the_spill_delay_has_passed_then_go_to_the_journal() throws Exception {
    try (Database db = Database.open(url(), 2); LogCapture logs = LogCapture.start()) {
      FaultyDataSource flaky = FaultyDataSource.switchable(db.dataSource());
      Recorder recorder = recorder(flaky, Duration.ofSeconds(1));
      flaky.down(true);

      submitRun(recorder, 1, 1).get(10, TimeUnit.SECONDS); // told once it is in the journal

      assertThat(waits).containsExactly(ms(50), ms(100), ms(200), ms(400), ms(800));
      assertThat(recorder.degraded()).isTrue();
      assertThat(recorder.spilled()).isEqualTo(3);
      assertThat(clock.instant()).isEqualTo(START.plusMillis(1550));
      assertThat(logs.at(Level.WARN)).filteredOn(m -> m.startsWith("DEGRADED"))
          .singleElement().asString().startsWith("DEGRADED: the database has been away for 1 s;");
      recorder.stop().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void the_backoff_stops_growing_at_five_seconds() throws Exception {
    try (Database db = Database.open(url(), 2)) {
      FaultyDataSource flaky = FaultyDataSource.switchable(db.dataSource());
      Recorder recorder = recorder(flaky, Duration.ofSeconds(60), 9);
      flaky.down(true);

      submitRun(recorder, 1, 1).get(10, TimeUnit.SECONDS); // the database is back after the 9th wait

      assertThat(waits).containsExactly(ms(50), ms(100), ms(200), ms(400), ms(800), ms(1600), ms(3200),
          ms(5000), ms(5000));
      assertThat(recorder.degraded()).isFalse();
      assertThat(recorder.spilled()).isZero();
      recorder.stop().get(10, TimeUnit.SECONDS);
      assertThat(count(db, "runs")).isEqualTo(1);
    }
  }

  @Test
  void while_degraded_the_journal_is_replayed_at_most_once_a_second_of_the_recorder_s_clock() throws Exception {
    try (Database db = Database.open(url(), 2); LogCapture logs = LogCapture.start()) {
      FaultyDataSource flaky = FaultyDataSource.switchable(db.dataSource());
      Recorder recorder = recorder(flaky, Duration.ZERO);
      flaky.down(true);
      submitRun(recorder, 1, 1).get(10, TimeUnit.SECONDS);
      assertThat(recorder.degraded()).isTrue();
      int asked = flaky.connectionsAsked();

      clock.advance(Duration.ofMillis(999));
      submitRun(recorder, 2, 1).get(10, TimeUnit.SECONDS); // spilled; its probe was not due yet

      assertThat(flaky.connectionsAsked()).as("no probe before a second has passed").isEqualTo(asked);
      assertThat(recorder.spilled()).isEqualTo(6);

      flaky.down(false);
      clock.advance(Duration.ofMillis(1));
      await().atMost(Duration.ofSeconds(10)).until(() -> !recorder.degraded());
      recorder.stop().get(10, TimeUnit.SECONDS);

      assertThat(count(db, "runs")).isEqualTo(2);
      assertThat(count(db, "fetches")).isEqualTo(2);
      assertThat(logs.at(Level.WARN)).filteredOn(m -> m.startsWith("database back"))
          .singleElement().asString().startsWith("database back after 1 s: 6 outcomes replayed from ");
      assertThat(dir.resolve("db/cronloop.journal")).doesNotExist();
      assertThat(count(db, "journal_replays WHERE replayed_at = TIMESTAMP WITH TIME ZONE '2026-03-01 12:00:01Z'"))
          .as("the replay is stamped from the recorder's clock").isEqualTo(1);
    }
  }

  @Test
  void a_call_waits_for_a_connection_no_longer_than_the_spill_delay() {
    assertThat(Database.connectionWaitFor(Recorder.DEFAULT_SPILL_AFTER)).isEqualTo(Database.DEFAULT_CONNECTION_WAIT);
    assertThat(Database.connectionWaitFor(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
    assertThat(Database.connectionWaitFor(Duration.ZERO)).as("Hikari's floor").isEqualTo(Duration.ofMillis(250));
  }

  private Recorder recorder(FaultyDataSource db, Duration spillAfter) {
    return recorder(db, spillAfter, Integer.MAX_VALUE);
  }

  /** A recorder whose waits move the clock; the database comes back after {@code backAfter} waits. */
  private Recorder recorder(FaultyDataSource db, Duration spillAfter, int backAfter) {
    return new Recorder(db, 1_000, Runnable::run).clock(clock)
        .pause(d -> {
          waits.add(d);
          clock.advance(d);
          if (waits.size() == backAfter) {
            db.down(false);
          }
        })
        .spillTo(dir.resolve("db/cronloop.journal"), spillAfter).start();
  }

  private static Duration ms(long ms) {
    return Duration.ofMillis(ms);
  }

  private String url() {
    return "jdbc:h2:file:" + dir.resolve("db/cronloop");
  }
}
