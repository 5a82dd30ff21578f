package dev.cronloop.testkit;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP server that keeps every request it receives (method, path, headers, body) and
 * answers each path with the status a test sets: a webhook receiver and a target whose health a
 * test can flip. Status 0 means: never answer (a hanging channel).
 */
public final class Receiver implements AutoCloseable {

  /** One request as received. */
  public record Received(String method, String path, MultiMap headers, String body, long epochMillis) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> status = new ConcurrentHashMap<>();

  private Receiver() throws Exception {
    server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  public static Receiver start() throws Exception {
    return new Receiver();
  }

  /** {@code http://127.0.0.1:PORT/path}. */
  public String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  /** Answers requests to {@code pathPrefix} (and below) with {@code code}; 0 never answers. */
  public Receiver answer(String pathPrefix, int code) {
    status.put(pathPrefix, code);
    return this;
  }

  /** Every request received under {@code pathPrefix}, in order. */
  public List<Received> at(String pathPrefix) {
    return received.stream().filter(r -> r.path().startsWith(pathPrefix)).toList();
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(b -> {
      received.add(new Received(req.method().name(), req.path(), MultiMap.caseInsensitiveMultiMap()
          .addAll(req.headers()), b.toString(), System.currentTimeMillis()));
      int code = status.entrySet().stream()
          .filter(e -> req.path().startsWith(e.getKey()))
          .max(Map.Entry.comparingByKey((a, c) -> Integer.compare(a.length(), c.length())))
          .map(Map.Entry::getValue)
          .orElse(200);
      if (code > 0) {
        req.response().setStatusCode(code).end("ok");
      }
    });
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
