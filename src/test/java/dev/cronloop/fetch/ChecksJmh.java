package dev.cronloop.fetch;

import dev.cronloop.definition.JobFileParser;
import dev.cronloop.definition.RequestSpec;
import java.nio.file.Path;
import java.time.Duration;
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
 * Judging one response against a request's checks, as every fetch does: the status alone (the
 * default), and status, body text and two JSON paths on a 600-byte JSON body.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChecksJmh {
  private RequestSpec plain;
  private RequestSpec checked;
  private String body;
  private final Duration latency = Duration.ofMillis(12);

  @Setup
  public void setUp() {
    JobFileParser.Result r = JobFileParser.withEnv(Map.of()).parse(Path.of("jobs/checks.yaml"), """
        schedule: "*/1 * * * *"
        requests:
          - http://127.0.0.1:8080/plain
          - url: http://127.0.0.1:8080/checked
            expect:
              status: [200, "300-399"]
              bodyContains: '"version"'
              json:
                $.status: up
                /build/number: 42
        """);
    plain = r.jobs().get(0).requests().get(0);
    checked = r.jobs().get(0).requests().get(1);
    StringBuilder json = new StringBuilder("{\"status\":\"up\",\"version\":\"7.4.2\",\"build\":{\"number\":42},\"ports\":[");
    for (int i = 0; i < 40; i++) {
      json.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"up\":true}");
    }
    body = json.append("]}").toString();
  }

  @Benchmark
  public Object statusOnly() {
    return Checks.judge(plain.expect(), 200, () -> body, latency);
  }

  @Benchmark
  public Object statusBodyAndJson() {
    return Checks.judge(checked.expect(), 200, () -> body, latency);
  }
}
