package dev.cronloop.bench;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import dev.cronloop.record.Database;
import dev.cronloop.record.Fence;
import dev.cronloop.record.LeaseHolder;
import dev.cronloop.record.NodeLease;
import dev.cronloop.record.Recorder;
import dev.cronloop.record.RunQueries;
import dev.cronloop.record.Write;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The recorder workload: sustained {@code fetches} rows per second into an H2 file through the
 * real {@link Recorder}, and the same with a database made slower than the producer (each
 * transaction delayed), to show that the queue stays bounded, the producer is slowed down by
 * reservations and no row is lost.
 *
 * <p>Run: {@code mvn -q exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.cronloop.bench.RecorderBench -Dexec.args="300000"}
 *
 * <p>With a second argument, a renewal period in milliseconds ({@code -Dexec.args="300000 100"}),
 * it measures the sustained workload twice more, alternating: without and with a {@link
 * NodeLease} on the same database renewed that often on its own thread, as a running engine holds
 * one (every 5 s by default).
 */
public final class RecorderBench {
  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
    Path dir = Files.createTempDirectory("cronloop-recorder");
    if (args.length > 1) {
      long leaseMs = Long.parseLong(args[1]);
      for (int round = 1; round <= 6; round++) { // the first pair warms the JIT up
        measure("recorder", dir.resolve("plain-" + round), rows, 0, 0);
        measure("recorder-with-lease-" + leaseMs + "ms", dir.resolve("lease-" + round), rows, 0, leaseMs);
      }
      return;
    }
    measure("recorder", dir.resolve("fast"), rows, 0, 0);
    measure("recorder-slow-db", dir.resolve("slow"), 60_000, 200, 0);
  }

  private static void measure(String name, Path dir, int rows, long delayPerCommitMs, long leaseMs) throws Exception {
    try (Database db = Database.open("jdbc:h2:file:" + dir.resolve("cronloop"), 2);
        NodeLease lease = leaseMs == 0 ? null : NodeLease.take(db.dataSource(), NodeLease.SINGLE,
            LeaseHolder.current("bench"), java.time.Duration.ofMillis(leaseMs), new Fence(System::nanoTime), true,
            "the bench database", "stop the other bench")) {
      DataSource ds = delayPerCommitMs == 0 ? db.dataSource() : new SlowCommits(db.dataSource(), delayPerCommitMs);
      int capacity = 20_000;
      Recorder recorder = new Recorder(ds, capacity, Runnable::run).start();
      Instant t = Instant.now();
      AtomicInteger maxDepth = new AtomicInteger();
      long waits = 0;
      long t0 = System.nanoTime();
      for (int i = 0; i < rows; i++) {
        while (!recorder.tryReserve(1)) {
          CountDownLatch room = new CountDownLatch(1);
          recorder.whenRoom(room::countDown);
          room.await(10, TimeUnit.SECONDS);
          waits++;
        }
        recorder.submit(new Write.InsertFetch(new FetchRow(1, "bench", "http://127.0.0.1/x/" + i,
            "GET", 1, 200, Outcome.OK, null, 3, 120, t, t)));
        if ((i & 1023) == 0) {
          maxDepth.accumulateAndGet(recorder.depth(), Math::max);
        }
      }
      recorder.stop().get(5, TimeUnit.MINUTES);
      double seconds = (System.nanoTime() - t0) / 1e9;
      int stored = new RunQueries(db.dataSource()).fetchCount(1);
      Runtime rt = Runtime.getRuntime();
      System.out.printf(
          "{\"workload\":\"%s\",\"rows\":%d,\"stored\":%d,\"rowsPerSecond\":%.0f,\"batches\":%d,"
              + "\"commitDelayMs\":%d,\"queueCapacity\":%d,\"maxQueueDepth\":%d,\"producerWaits\":%d,"
              + "\"heapUsedMb\":%d}%n",
          name, rows, stored, rows / seconds, recorder.batches(), delayPerCommitMs, capacity,
          maxDepth.get(), waits, (rt.totalMemory() - rt.freeMemory()) >> 20);
    }
  }

  /** A data source whose connections take {@code delayMs} longer to commit: a slow database. */
  private record SlowCommits(DataSource inner, long delayMs) implements DataSource {
    @Override
    public Connection getConnection() throws SQLException {
      Connection c = inner.getConnection();
      return (Connection) java.lang.reflect.Proxy.newProxyInstance(
          Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
          (proxy, method, args) -> {
            if (method.getName().equals("commit")) {
              Thread.sleep(delayMs);
            }
            try {
              return method.invoke(c, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
