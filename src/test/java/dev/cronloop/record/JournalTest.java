package dev.cronloop.record;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import dev.cronloop.model.RunStatus;
import dev.cronloop.model.Trigger;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The recorder with its journal against a real H2 file that becomes unreachable while a flag is
 * set: outcomes spill to the journal, the journal is replayed exactly once when the database is
 * back, at the next start, and after a crash between the replay's commit and the file's removal.
 */
@Timeout(60)
class JournalTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;

  @Test
  void outcomes_spill_while_the_database_is_away_and_are_replayed_once_when_it_is_back() throws Exception {
    try (Database db = Database.open(url(), 2)) {
      Flaky flaky = new Flaky(db.dataSource());
      Recorder recorder = new Recorder(flaky, 1_000, Runnable::run).spillTo(journal(), Duration.ZERO).start();

      flaky.down.set(true);
      CompletableFuture<Instant> recorded = submitRun(recorder, 1, 3);
      recorded.get(10, TimeUnit.SECONDS); // recorded in the journal: the run may end
      submitRun(recorder, 2, 2).get(10, TimeUnit.SECONDS);

      assertThat(recorder.degraded()).isTrue();
      assertThat(recorder.spilled()).isEqualTo(2 * 2 + 3 + 2);
      assertThat(Files.readAllLines(journal())).hasSize(1 + 2 * 2 + 3 + 2);
      assertThat(count(db, "runs")).isZero();

      flaky.down.set(false);
      await().atMost(Duration.ofSeconds(10)).until(() -> !recorder.degraded());
      submitRun(recorder, 3, 1).get(10, TimeUnit.SECONDS);
      recorder.stop().get(10, TimeUnit.SECONDS);

      assertThat(journal()).doesNotExist();
      assertThat(count(db, "runs")).isEqualTo(3);
      assertThat(count(db, "fetches")).isEqualTo(3 + 2 + 1);
      assertThat(new RunQueries(db.dataSource()).run(1).orElseThrow().status()).isEqualTo(RunStatus.OK);
      assertThat(count(db, "journal_replays")).isEqualTo(1);
    }
  }

  @Test
  void a_journal_left_at_stop_is_replayed_at_the_next_start_exactly_once() throws Exception {
    try (Database db = Database.open(url(), 2)) {
      Flaky flaky = new Flaky(db.dataSource());
      Recorder recorder = new Recorder(flaky, 1_000, Runnable::run).spillTo(journal(), Duration.ZERO).start();
      flaky.down.set(true);
      submitRun(recorder, 1, 2).get(10, TimeUnit.SECONDS);
      recorder.stop().get(10, TimeUnit.SECONDS);
      assertThat(journal()).exists();
      Path copy = Files.copy(journal(), dir.resolve("copy.journal"));

      int first = Recorder.replayJournal(db.dataSource(), journal());
      // A crash between the replay's commit and the file's removal leaves the file behind:
      Files.copy(copy, journal(), StandardCopyOption.REPLACE_EXISTING);
      int second = Recorder.replayJournal(db.dataSource(), journal());
      int third = Recorder.replayJournal(db.dataSource(), journal());

      assertThat(first).isEqualTo(2 + 2);
      assertThat(second).isZero();
      assertThat(third).isZero();
      assertThat(journal()).doesNotExist();
      assertThat(count(db, "runs")).isEqualTo(1);
      assertThat(count(db, "fetches")).isEqualTo(2);
    }
  }

  @Test
  void a_last_line_cut_short_by_a_crash_is_left_out_and_the_rest_replayed() throws Exception {
    try (Database db = Database.open(url(), 2)) {
      Flaky flaky = new Flaky(db.dataSource());
      Recorder recorder = new Recorder(flaky, 1_000, Runnable::run).spillTo(journal(), Duration.ZERO).start();
      flaky.down.set(true);
      submitRun(recorder, 1, 1).get(10, TimeUnit.SECONDS);
      recorder.stop().get(10, TimeUnit.SECONDS);
      Files.writeString(journal(), "{\"fetch\":{\"runId\":1,\"jobId\":\"jo", StandardOpenOption.APPEND);

      int replayed = Recorder.replayJournal(db.dataSource(), journal());

      assertThat(replayed).isEqualTo(3);
      assertThat(count(db, "fetches")).isEqualTo(1);
    }
  }

  @Test
  void a_run_whose_batch_committed_unacknowledged_is_not_inserted_twice() throws Exception {
    try (Database db = Database.open(url(), 2)) {
      Recorder first = new Recorder(db.dataSource(), 100, Runnable::run).start();
      submitRun(first, 1, 1).get(10, TimeUnit.SECONDS);
      first.stop().get(10, TimeUnit.SECONDS);
      Flaky flaky = new Flaky(db.dataSource());
      Recorder again = new Recorder(flaky, 100, Runnable::run).spillTo(journal(), Duration.ZERO).start();
      flaky.down.set(true);
      again.tryReserve(1);
      again.submit(new Write.InsertRun(run(1)));
      await().atMost(Duration.ofSeconds(10)).until(() -> again.spilled() == 1);
      again.stop().get(10, TimeUnit.SECONDS);

      assertThat(Recorder.replayJournal(db.dataSource(), journal())).isEqualTo(1);
      assertThat(count(db, "runs")).isEqualTo(1);
    }
  }

  @Test
  void the_default_journal_sits_next_to_an_h2_file_and_is_one_per_node_elsewhere() {
    assertThat(Database.journalFor("jdbc:h2:file:./db/cronloop;AUTO_SERVER=TRUE", "n1"))
        .isEqualTo(Path.of("./db/cronloop.journal"));
    assertThat(Database.journalFor("jdbc:postgresql://db/cron", "node a/1"))
        .isEqualTo(Path.of("db/cronloop-node_a_1.journal"));
  }

  private static CompletableFuture<Instant> submitRun(Recorder recorder, long id, int fetches) {
    CompletableFuture<Instant> done = new CompletableFuture<>();
    assertThat(recorder.tryReserve(2 + fetches)).isTrue();
    recorder.submit(new Write.InsertRun(run(id)));
    for (int i = 0; i < fetches; i++) {
      recorder.submit(new Write.InsertFetch(new FetchRow(id, "job", "http://x/" + i, "GET", 1, 200,
          Outcome.OK, null, 5, 2, T, T)));
    }
    recorder.submit(new Write.FinishRun(id, T, T.plusSeconds(1), RunStatus.OK, fetches, fetches, 0), done::complete);
    return done;
  }

  private static RunRow run(long id) {
    return new RunRow(id, "job", "n1", Trigger.SCHEDULE, T, T, null, null, RunStatus.RUNNING, 0, 0, 0);
  }

  private static long count(Database db, String table) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private Path journal() {
    return dir.resolve("db/cronloop.journal");
  }

  private String url() {
    return "jdbc:h2:file:" + dir.resolve("db/cronloop");
  }

  /**
   * The real H2 behind a switch: while {@code down} is set, new connections are refused and
   * statements on open ones fail, as when the database server goes away.
   */
  static final class Flaky implements DataSource {
    final AtomicBoolean down = new AtomicBoolean();
    private final DataSource real;

    Flaky(DataSource real) {
      this.real = real;
    }

    @Override
    public Connection getConnection() throws SQLException {
      refuseWhileDown();
      Connection c = real.getConnection();
      return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
          (proxy, method, args) -> {
            if (!method.getName().equals("close") && !method.getName().equals("rollback")) {
              refuseWhileDown();
            }
            try {
              return method.invoke(c, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }

    private void refuseWhileDown() throws SQLException {
      if (down.get()) {
        throw new SQLTransientConnectionException("database unreachable (test switch)");
      }
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
      return real.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
      real.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
      real.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
      return real.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() {
      return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      return real.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
