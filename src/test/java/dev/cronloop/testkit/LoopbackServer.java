package dev.cronloop.testkit;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 with a free port, for tests and benchmarks. Paths:
 *
 * <ul>
 *   <li>{@code /delay/MS/...}: answers 200 "ok" after MS milliseconds
 *   <li>{@code /status/CODE/...}: answers with that status
 *   <li>{@code /hang/...}: never answers
 *   <li>{@code /reset/...}: closes the connection without answering
 *   <li>{@code /close/...}: 200 "ok" with {@code Connection: close}: the next request needs a new connection
 *   <li>anything else: 200 "ok" at once
 * </ul>
 *
 * It counts requests, requests in flight and their peak, and notes each arrival's time and when
 * each connection was accepted.
 */
public final class LoopbackServer implements AutoCloseable {
  private final Vertx vertx;
  private final HttpServer server;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  private final AtomicInteger received = new AtomicInteger();
  private final ConcurrentLinkedQueue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Long> accepted = new ConcurrentLinkedQueue<>();
  private final java.util.Set<HttpConnection> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** One request as the server saw it. */
  public record Arrival(String path, long epochMillis, long nanoTime) {}

  private final boolean recordArrivals;

  private LoopbackServer(int threads, boolean recordArrivals) throws Exception {
    this.recordArrivals = recordArrivals;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(threads));
    this.server =
        vertx
            // HTTP/1.1 only: a server open to h2c would meet a connection only at its first bytes
            .createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
            .connectionHandler(this::accept)
            .requestHandler(this::handle)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  public static LoopbackServer start() throws Exception {
    return new LoopbackServer(1, true);
  }

  public static LoopbackServer start(int threads) throws Exception {
    return new LoopbackServer(threads, true);
  }

  /**
   * A server that only counts: it keeps no {@link Arrival}, so a long soak measures the engine's
   * heap, not the list of every request the target ever saw.
   */
  public static LoopbackServer startCounting(int threads) throws Exception {
    return new LoopbackServer(threads, false);
  }

  public int port() {
    return server.actualPort();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  public int received() {
    return received.get();
  }

  public int peakInFlight() {
    return peak.get();
  }

  public int inFlight() {
    return inFlight.get();
  }

  public java.util.List<Arrival> arrivals() {
    return java.util.List.copyOf(arrivals);
  }

  /** When each connection was accepted (epoch ms), in order. */
  public java.util.List<Long> connections() {
    return java.util.List.copyOf(accepted);
  }

  /** Closes every open connection, as a server whose keep-alive ran out would. */
  public void closeConnections() {
    open.forEach(HttpConnection::close);
  }

  private void accept(HttpConnection c) {
    accepted.add(System.currentTimeMillis());
    open.add(c);
    c.closeHandler(v -> open.remove(c));
  }

  private void handle(HttpServerRequest req) {
    if (recordArrivals) {
      arrivals.add(new Arrival(req.path(), System.currentTimeMillis(), System.nanoTime()));
    }
    received.incrementAndGet();
    int now = inFlight.incrementAndGet();
    peak.accumulateAndGet(now, Math::max);
    String[] parts = req.path().split("/");
    String kind = parts.length > 1 ? parts[1] : "";
    switch (kind) {
      case "delay" -> vertx.setTimer(Math.max(1, Long.parseLong(parts[2])), id -> answer(req, 200));
      case "status" -> answer(req, Integer.parseInt(parts[2]));
      case "hang" -> req.connection().closeHandler(v -> inFlight.decrementAndGet());
      case "close" -> {
        inFlight.decrementAndGet();
        req.response().putHeader("Connection", "close").end("ok");
      }
      case "reset" -> {
        inFlight.decrementAndGet();
        req.connection().close();
      }
      default -> answer(req, 200);
    }
  }

  private void answer(HttpServerRequest req, int status) {
    inFlight.decrementAndGet();
    req.response().setStatusCode(status).end("ok");
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
