package dev.cronloop.bench;

import dev.cronloop.definition.JobFileParser;
import dev.cronloop.schedule.FireTimes;
import dev.cronloop.schedule.Schedule;
import dev.cronloop.schedule.Schedules;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pure hot code of a fire and of a catalog load: the next fire time of a schedule with its
 * spread, and the parsing of one job file. Run as src/docs/benchmarks.md, "Microbenchmarks", says.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ParseAndScheduleJmh {
  private Schedule cron;
  private Schedule quartz;
  private Schedule every;
  private Instant after;
  private final JobFileParser parser = JobFileParser.withEnv(Map.of("TOKEN", "secret"));
  private final Path file = Path.of("jobs/routers.yaml");
  private String jobText;

  @Setup
  public void setUp() throws Exception {
    cron = Schedules.parse("*/5 9-17 * * MON-FRI", ZoneId.of("Europe/Berlin"));
    quartz = Schedules.parse("0 15 10 L * ?", ZoneId.of("UTC"));
    every = Schedules.parse("@every 30s", ZoneId.of("UTC"));
    after = Instant.parse("2026-12-06T16:00:00.123Z");
    StringBuilder yaml = new StringBuilder("""
        schedule: "*/1 * * * *"
        spread: 60s
        concurrency: 50
        timeout: 5s
        headers: { Authorization: "Bearer ${TOKEN}" }
        expect:
          status: [200, "300-399"]
          bodyContains: '"version"'
          json:
            $.status: up
        requests:
        """);
    for (int i = 0; i < 10; i++) {
      yaml.append("  - https://router-").append(i).append(".example.org/api/version\n");
    }
    jobText = yaml.toString();
  }

  @Benchmark
  public Object nextFireCronWithSpread() {
    return FireTimes.next(cron, Duration.ofSeconds(17), after);
  }

  @Benchmark
  public Object nextFireQuartzLastDay() {
    return FireTimes.next(quartz, Duration.ZERO, after);
  }

  @Benchmark
  public Object nextFireEvery() {
    return FireTimes.next(every, Duration.ZERO, after);
  }

  @Benchmark
  public Object parseJobFileOfTenRequests() {
    return parser.parse(file, jobText);
  }
}
