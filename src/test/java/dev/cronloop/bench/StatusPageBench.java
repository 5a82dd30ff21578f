package dev.cronloop.bench;

import dev.cronloop.Engine;
import dev.cronloop.testkit.Chromium;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LoopbackServer;
import io.vertx.core.Future;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The status page on a 10,000-job engine, in Debian's headless Chromium over the DevTools
 * protocol. The engine holds N job files (default 10,000); the first 48 jobs (two pages) have 50
 * recorded runs each, every tenth of them failing, and the next 1,000 one run each, so that the
 * first page carries full history strips, charts and failures: the largest page there is.
 *
 * <p>Per load (one warm-up, then {@code loads}, default 5; median and max): {@code firstPaintMs}
 * (the browser's first-contentful-paint), {@code cardsMs} (the first page of job cards in the
 * DOM, a {@code performance.mark} the page sets), and {@code largestResponseBytes} (the largest
 * response the page received, on the wire). Also, outside the browser, the size and time of the
 * API answers: the page's {@code /api/status?limit=24}, the largest page {@code limit=100}, a
 * search, and the unpaged {@code /api/jobs} and {@code /api/status} that older clients still get.
 *
 * <p>Run: {@code mvn -q -DskipTests test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.cronloop.bench.StatusPageBench -Dexec.args="10000 5"}
 */
public final class StatusPageBench {
  private static final String NEVER = "0 0 0 1 1 ? 2099";
  private static final int FULL = 48;
  private static final int ONCE = 1000;

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int loads = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path dir = Files.createTempDirectory("cronloop-page");
    try (LoopbackServer target = LoopbackServer.start()) {
      Path jobs = dir.resolve("jobs");
      for (int i = 0; i < n; i++) {
        String path = i < FULL && i % 10 == 3 ? "/status/503/" + i : "/delay/2/" + i;
        JobFiles.write(jobs, String.format(Locale.ROOT, "job-%05d.yaml", i), """
            schedule: "%s"
            overlap: allow
            requests:
              - %s
              - %s
            """.formatted(NEVER, target.url(path), target.url("/ok/" + i)));
      }
      long t0 = System.nanoTime();
      Engine engine = Engine.builder().jobs(jobs).database("jdbc:h2:file:" + dir.resolve("db/cronloop"))
          .http(new InetSocketAddress("127.0.0.1", 0)).build();
      engine.start().toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
      long startMs = (System.nanoTime() - t0) / 1_000_000;
      record(engine, n);
      String base = "http://127.0.0.1:" + engine.httpPort();
      List<String> api = new ArrayList<>();
      for (String path : List.of("/api/status?limit=24", "/api/status?limit=100", "/api/status?limit=24&q=job-09999",
          "/api/jobs?limit=50", "/api/jobs", "/api/status")) {
        api.add(measure(base, path));
      }
      long[] paint = new long[loads];
      long[] cards = new long[loads];
      long[] largest = new long[loads];
      String largestUrl = "";
      try (Chromium browser = Chromium.start(dir)) {
        for (int i = -1; i < loads; i++) {
          browser.navigate("about:blank");
          waitFor(browser, "location.href === 'about:blank'");
          browser.responses.clear();
          browser.navigate(base + "/");
          waitFor(browser, "document.body && document.body.dataset.loaded === 'true'"
              + " && document.querySelectorAll('.uplot').length > 0");
          if (i < 0) {
            continue; // warm-up: the JIT, the database's caches, the browser's first start
          }
          paint[i] = Math.round(((Number) browser.eval(
              "performance.getEntriesByName('first-contentful-paint')[0].startTime")).doubleValue());
          cards[i] = Math.round(((Number) browser.eval(
              "performance.getEntriesByName('cronloop-cards')[0].startTime")).doubleValue());
          for (Chromium.Response r : browser.responses) {
            if (r.bytes() > largest[i]) {
              largest[i] = r.bytes();
              largestUrl = r.url().replace(base, "");
            }
          }
        }
      }
      engine.close().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
      String line = String.format(Locale.ROOT,
          "{\"workload\":\"status-page\",\"jobs\":%d,\"engineStartMs\":%d,\"loads\":%d,\"firstPaintMsMedian\":%d,"
              + "\"firstPaintMsMax\":%d,\"cardsMsMedian\":%d,\"cardsMsMax\":%d,\"largestResponseBytes\":%d,"
              + "\"largestResponse\":\"%s\",\"api\":[%s],\"cores\":%d}",
          n, startMs, loads, Bench.median(paint), max(paint), Bench.median(cards), max(cards), max(largest),
          largestUrl, String.join(",", api), Runtime.getRuntime().availableProcessors());
      System.out.println(line);
      Files.createDirectories(Path.of("target/bench"));
      Files.writeString(Path.of("target/bench/status-page.json"), line + "\n");
    }
    System.exit(0); // exec:java would otherwise wait for Vert.x and H2 threads it did not start
  }

  /** 50 runs for each of the first 48 jobs (in rounds of 48 at once), one for each of the next 1,000. */
  private static void record(Engine engine, int n) throws Exception {
    for (int round = 0; round < 50; round++) {
      List<Future<?>> fires = new ArrayList<>();
      for (int i = 0; i < Math.min(FULL, n); i++) {
        fires.add(engine.fire(String.format(Locale.ROOT, "job-%05d", i)));
      }
      Future.all(fires).toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    }
    for (int from = FULL; from < Math.min(n, FULL + ONCE); from += 100) {
      List<Future<?>> fires = new ArrayList<>();
      for (int i = from; i < Math.min(n, Math.min(from + 100, FULL + ONCE)); i++) {
        fires.add(engine.fire(String.format(Locale.ROOT, "job-%05d", i)));
      }
      Future.all(fires).toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    }
  }

  /** One API answer's size and time (the median of 3 after one warm-up), as a JSON object. */
  private static String measure(String base, String path) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long[] ms = new long[3];
    int bytes = 0;
    for (int i = -1; i < ms.length; i++) {
      long t0 = System.nanoTime();
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(5)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(path + " answered " + r.statusCode());
      }
      if (i >= 0) {
        ms[i] = (System.nanoTime() - t0) / 1_000_000;
      }
      bytes = r.body().length;
    }
    return String.format(Locale.ROOT, "{\"path\":\"%s\",\"bytes\":%d,\"ms\":%d}", path, bytes, Bench.median(ms));
  }

  private static void waitFor(Chromium browser, String condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Boolean.TRUE.equals(browser.eval(condition))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the page did not get to: " + condition);
      }
      Thread.sleep(5);
    }
  }

  private static long max(long[] values) {
    long m = 0;
    for (long v : values) {
      m = Math.max(m, v);
    }
    return m;
  }
}
