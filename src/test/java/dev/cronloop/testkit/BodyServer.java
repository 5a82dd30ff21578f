package dev.cronloop.testkit;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on 127.0.0.1 that answers the body a test asks for in the query of {@code
 * /body}:
 *
 * <ul>
 *   <li>{@code status}: the status (default 200)
 *   <li>{@code type}: the Content-Type (default none)
 *   <li>{@code text}: the body text, encoded in {@code charset} (default UTF-8), {@code repeat} times
 *   <li>{@code binary}: that many bytes counting 0, 1, ... 255, 0, ... (NUL included)
 *   <li>{@code echo}: the value of that request header, appended to the body
 * </ul>
 *
 * Bodies go out in chunks of 1,000 bytes, so a capture limit falls inside a chunk.
 */
public final class BodyServer implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  private BodyServer() throws Exception {
    server =
        vertx
            .createHttpServer()
            .requestHandler(this::handle)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  public static BodyServer start() throws Exception {
    return new BodyServer();
  }

  /** The URL of {@code /body?query}. */
  public String url(String query) {
    return "http://127.0.0.1:" + server.actualPort() + "/body?" + query;
  }

  private void handle(HttpServerRequest req) {
    MultiMap q = req.params();
    Buffer body = Buffer.buffer();
    if (q.contains("text")) {
      Charset cs = Charset.forName(q.get("charset") == null ? "UTF-8" : q.get("charset"));
      byte[] once = q.get("text").getBytes(cs);
      int repeat = q.contains("repeat") ? Integer.parseInt(q.get("repeat")) : 1;
      for (int i = 0; i < repeat; i++) {
        body.appendBytes(once);
      }
    }
    if (q.contains("binary")) {
      int n = Integer.parseInt(q.get("binary"));
      for (int i = 0; i < n; i++) {
        body.appendByte((byte) i);
      }
    }
    if (q.contains("echo") && req.getHeader(q.get("echo")) != null) {
      body.appendString(req.getHeader(q.get("echo")), StandardCharsets.UTF_8.name());
    }
    var resp = req.response().setStatusCode(q.contains("status") ? Integer.parseInt(q.get("status")) : 200);
    if (q.contains("type")) {
      resp.putHeader("Content-Type", q.get("type"));
    }
    resp.putHeader("Content-Length", String.valueOf(body.length()));
    for (int from = 0; from < body.length(); from += 1_000) {
      resp.write(body.getBuffer(from, Math.min(body.length(), from + 1_000)));
    }
    resp.end();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
