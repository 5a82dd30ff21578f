package dev.cronloop.bench;

import dev.cronloop.Engine;
import dev.cronloop.EngineBuilder;
import dev.cronloop.record.Database;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LoopbackServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The tick workload: J jobs, each {@code * * * * * ?} with one URL {@code /delay/5/<j>}, counted
 * for S seconds twice: W seconds after the engine started (the JIT is still compiling then) and
 * T seconds after it (a daemon that has settled). For each window it prints arrivals (must be J ×
 * S), lateness at the target (arrival minus the whole second it was scheduled for), the engine's
 * start lag ({@code runs.started_at − runs.scheduled_at}) and the runs started 1 s late or more.
 *
 * <p>Run: {@code mvn -q exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.cronloop.bench.TickBench -Dexec.args="1000 30 5 45"} (J S W T). A fifth
 * argument {@code notify} gives every job {@code notify:} with a webhook channel on the same
 * loopback server, so each run is also counted for the job's health (src/docs/notifications.md);
 * the runs all pass, so no notice is sent: the figure is the cost of the counting. {@code
 * -Dlanes=1} puts every run on one event loop ({@code EngineBuilder.lanes}), as before lanes.
 */
public final class TickBench {
  public static void main(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int settled = args.length > 3 ? Integer.parseInt(args[3]) : 45;
    boolean notify = args.length > 4 && args[4].equals("notify");
    Path dir = Files.createTempDirectory("cronloop-tick");
    Path folder = dir.resolve("jobs");
    String db = "jdbc:h2:file:" + dir.resolve("db/cronloop");
    try (LoopbackServer server = LoopbackServer.start(1)) {
      if (notify) {
        JobFiles.write(folder, "channels.yaml", """
            channels:
              hook: { webhook: "%s" }
            """.formatted(server.url("/status/200/hook")));
      }
      for (int j = 0; j < jobs; j++) {
        JobFiles.write(folder, "tick-" + j + ".yaml", """
            schedule: "* * * * * ?"
            %s
            requests:
              - %s
            """.formatted(notify ? "notify: { channels: [hook] }" : "", server.url("/delay/5/" + j)));
      }
      EngineBuilder builder = Engine.builder().jobs(folder).database(db);
      int lanes = Integer.getInteger("lanes", 0); // -Dlanes=1: every run on one event loop, to compare
      Engine engine = (lanes > 0 ? builder.lanes(lanes) : builder).build();
      engine.start().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
      long started = (System.currentTimeMillis() / 1000 + 1) * 1000;
      long[] windows = {started + warmup * 1000L, started + Math.max(warmup, settled) * 1000L};
      long last = windows[1] + seconds * 1000L;
      Thread.sleep(Math.max(0, last - System.currentTimeMillis() + 1_000));
      for (String stage : new String[] {"handoff", "loop", "first_request"}) {
        var t = engine.metrics().find("cronloop.fire.lateness").tag("stage", stage).timer();
        if (t != null) {
          System.out.printf("stage %s: mean %.1f ms, max %.1f ms%n", stage,
              t.mean(TimeUnit.MILLISECONDS), t.max(TimeUnit.MILLISECONDS));
        }
      }
      engine.close().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);

      for (long start : windows) {
        report(server, db, notify, jobs, seconds, (start - started) / 1000, start, start + seconds * 1000L);
      }
    }
  }

  /** One JSON line for the window [start, end), which began {@code after} seconds after the engine. */
  private static void report(LoopbackServer server, String db, boolean notify, int jobs, int seconds, long after,
      long start, long end) throws Exception {
    List<Long> lateness = new ArrayList<>();
    for (LoopbackServer.Arrival a : server.arrivals()) {
      if (!a.path().startsWith("/delay/")) {
        continue; // a notice, not a fire
      }
      long second = a.epochMillis() / 1000 * 1000;
      if (second >= start && second < end) {
        lateness.add(a.epochMillis() - second);
      }
    }
    List<Long> lag = startLag(db, Instant.ofEpochMilli(start), Instant.ofEpochMilli(end));
    System.out.printf(
        "{\"workload\":\"tick\",\"notify\":%b,\"afterSeconds\":%d,\"jobs\":%d,\"seconds\":%d,\"arrivals\":%d,\"expected\":%d,"
            + "\"latenessP50Ms\":%d,\"latenessP99Ms\":%d,\"latenessMaxMs\":%d,\"lateBy1sOrMore\":%d,"
            + "\"startLagP50Ms\":%d,\"startLagP99Ms\":%d,\"startLagMaxMs\":%d,\"runs\":%d}%n",
        notify, after, jobs, seconds, lateness.size(), jobs * seconds,
        pct(lateness, 50), pct(lateness, 99), pct(lateness, 100),
        lag.stream().filter(ms -> ms >= 1_000).count(),
        pct(lag, 50), pct(lag, 99), pct(lag, 100), lag.size());
  }

  private static List<Long> startLag(String url, Instant from, Instant to) throws Exception {
    List<Long> lag = new ArrayList<>();
    try (Database db = Database.open(url, 1);
        Connection c = db.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT scheduled_at, started_at, status FROM runs WHERE scheduled_at >= ? AND scheduled_at < ?")) {
      s.setObject(1, OffsetDateTime.ofInstant(from, java.time.ZoneOffset.UTC));
      s.setObject(2, OffsetDateTime.ofInstant(to, java.time.ZoneOffset.UTC));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          OffsetDateTime scheduled = rs.getObject(1, OffsetDateTime.class);
          OffsetDateTime started = rs.getObject(2, OffsetDateTime.class);
          if (started != null) {
            lag.add(java.time.Duration.between(scheduled, started).toMillis());
          } else {
            System.out.println("run without a request: " + rs.getString(3) + " at " + scheduled);
          }
        }
      }
    }
    return lag;
  }

  static long pct(List<Long> values, int p) {
    if (values.isEmpty()) {
      return -1;
    }
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
