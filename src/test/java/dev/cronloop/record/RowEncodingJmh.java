package dev.cronloop.record;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import dev.cronloop.model.RunStatus;
import dev.cronloop.model.Trigger;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The recorder's write of one batch of 2,000 fetch rows (binding, the timestamps built from their
 * parts, H2's insert and commit) into an in-memory H2 database with cronloop's schema; reported
 * per row. The batches grow the table, so it is emptied between iterations.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RowEncodingJmh {
  private static final int ROWS = 2_000;
  private Database db;
  private OutcomeStore store;
  private List<Write> batch;

  @Setup
  public void setUp() throws Exception {
    db = Database.open("jdbc:h2:mem:rows;DB_CLOSE_DELAY=-1", 2);
    store = new OutcomeStore(db.dataSource(), new Rejections());
    Instant t = Instant.parse("2026-12-06T16:00:00.123456Z");
    store.write(List.of(new Write.InsertRun(new RunRow(1, "routers", "n1", Trigger.SCHEDULE, t, t, t, null,
        RunStatus.RUNNING, ROWS, 0, 0))));
    batch = new ArrayList<>(ROWS);
    for (int i = 0; i < ROWS; i++) {
      batch.add(new Write.InsertFetch(new FetchRow(1, "routers", "https://router-" + i + ".example.org/api/version",
          "GET", 1, 200, i % 50 == 0 ? Outcome.CHECK_FAILED : Outcome.OK, i % 50 == 0 ? "status 503" : null,
          12 + i % 40, 600, t.plusMillis(i), t.plusMillis(i + 12))));
    }
  }

  @Setup(Level.Iteration)
  public void empty() throws Exception {
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM fetches");
    }
  }

  @TearDown
  public void tearDown() {
    store.close();
    db.close();
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public int writeBatchOf2000FetchRows() throws Exception {
    return store.write(batch);
  }
}
