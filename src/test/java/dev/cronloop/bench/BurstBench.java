package dev.cronloop.bench;

import dev.cronloop.Engine;
import dev.cronloop.model.RunResult;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LoopbackServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The burst workload: one job of N distinct URLs {@code /delay/D/<i>} fired once at concurrency
 * C, measured cold (a fresh {@code cronloop fire} process) and warm (repeated fires in one
 * engine), against the limit: a bare Vert.x HttpClient loop at the same concurrency on the same
 * target.
 *
 * <p>Run: {@code mvn -q -DskipTests package && mvn -q exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.cronloop.bench.BurstBench -Dexec.args="20000 20 500"}
 */
public final class BurstBench {
  public static void main(String[] args) throws Exception {
    int urls = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int delayMs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 500;
    Path dir = Files.createTempDirectory("cronloop-burst");
    try (LoopbackServer server = LoopbackServer.startCounting(1)) {
      Path jobs = dir.resolve("jobs");
      JobFiles.urls(jobs, "burst.txt", server.url("/delay/" + delayMs + "/"), urls);
      JobFiles.write(jobs, "burst.yaml", """
          schedule: "0 0 0 1 1 ? 2099"
          concurrency: %d
          timeout: 30s
          urlsFrom: burst.txt
          """.formatted(concurrency));

      long limitMs = bareClientLimit(server, urls, delayMs, concurrency);
      long coldMs = Bench.coldFire(jobs, dir, "burst");
      long warmMs = warm(jobs, dir);
      double ideal = (double) urls / concurrency * delayMs;
      System.out.printf(
          "{\"workload\":\"burst\",\"urls\":%d,\"delayMs\":%d,\"concurrency\":%d,\"coldMs\":%d,"
              + "\"warmMs\":%d,\"limitMs\":%d,\"idealMs\":%.0f,\"warmRatio\":%.2f,\"coldRatio\":%.2f}%n",
          urls, delayMs, concurrency, coldMs, warmMs, limitMs, ideal,
          (double) warmMs / limitMs, (double) coldMs / limitMs);
    }
  }

  /** The median of {@link Bench#MEASURED} fires in one running engine, after {@link Bench#WARM_UP}. */
  private static long warm(Path jobs, Path dir) throws Exception {
    Engine engine = Engine.builder().jobs(jobs).database("jdbc:h2:file:" + dir.resolve("warm/cronloop"))
        .schedule(false).build();
    engine.start().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    try {
      long[] millis = new long[Bench.MEASURED];
      for (int i = 0; i < Bench.WARM_UP + Bench.MEASURED; i++) {
        RunResult r = engine.fire("burst").toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
        if (r.failed() > 0) {
          throw new IllegalStateException(r.failed() + " requests failed");
        }
        if (i >= Bench.WARM_UP) {
          millis[i - Bench.WARM_UP] = r.duration().toMillis();
        }
      }
      return Bench.median(millis);
    } finally {
      engine.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }
  }

  /** The same requests through a bare HttpClient at the same concurrency: the best of 9 after one warm-up. */
  private static long bareClientLimit(LoopbackServer server, int urls, int delayMs, int concurrency)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      HttpClient client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(concurrency));
      long best = Long.MAX_VALUE;
      // Rounds beyond the first warm the target too: a target still compiling its own code would
      // take CPU from the cold fires that follow.
      for (int round = 0; round < 10; round++) {
        Promise<Long> done = Promise.promise();
        vertx.runOnContext(v -> loop(client, server, urls, delayMs, concurrency).onComplete(done));
        long ms = done.future().toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
        if (round > 0) {
          best = Math.min(best, ms);
        }
      }
      return best;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static Future<Long> loop(HttpClient client, LoopbackServer server, int urls, int delayMs, int concurrency) {
    long t0 = System.nanoTime();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    Promise<Long> finished = Promise.promise();
    Runnable[] pump = new Runnable[1];
    pump[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= urls) {
        return;
      }
      client.request(HttpMethod.GET, server.port(), "127.0.0.1", "/delay/" + delayMs + "/" + i)
          .compose(req -> req.send().compose(HttpClientResponse::body))
          .onComplete(ar -> {
            if (done.incrementAndGet() == urls) {
              finished.complete((System.nanoTime() - t0) / 1_000_000);
            } else {
              pump[0].run();
            }
          });
    };
    for (int i = 0; i < concurrency; i++) {
      pump[0].run();
    }
    return finished.future();
  }
}
