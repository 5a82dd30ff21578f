package dev.cronloop.fetch;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import java.util.concurrent.TimeUnit;

/**
 * A target for request and check tests, in clear text (HTTP/1.1 and h2c) or over TLS with a
 * self-signed certificate for {@code localhost} made at start (HTTP/1.1 and h2 through ALPN).
 * Paths:
 *
 * <ul>
 *   <li>{@code /echo}: a JSON object of what arrived: method, version, path, query, headers, body
 *   <li>{@code /json}: {@code {"status":"up","checks":[{"ok":true}],"count":3}}
 *   <li>{@code /redirect/N}: 302 to {@code /redirect/N-1}; {@code /redirect/0} is {@code /echo}
 *   <li>{@code /big/N}: N bytes of 'x', sent in 8 KiB chunks
 *   <li>{@code /stall}: headers and a first chunk, then nothing
 *   <li>{@code /status/N}: that status
 * </ul>
 */
final class TargetServer implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final SelfSignedCertificate cert;
  private final boolean tls;

  private TargetServer(boolean tls, boolean soLingerZero) throws Exception {
    this.tls = tls;
    this.cert = tls ? SelfSignedCertificate.create("localhost") : null;
    HttpServerOptions o = new HttpServerOptions().setHost("localhost");
    if (tls) {
      o.setSsl(true).setUseAlpn(true).setKeyCertOptions(cert.keyCertOptions());
    }
    if (soLingerZero) {
      o.setSoLinger(0);
    }
    server =
        vertx
            .createHttpServer(o)
            .requestHandler(this::handle)
            .listen(0)
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  static TargetServer http() throws Exception {
    return new TargetServer(false, false);
  }

  static TargetServer https() throws Exception {
    return new TargetServer(true, false);
  }

  /** A clear-text server that resets connections it closes (SO_LINGER 0). */
  static TargetServer resetting() throws Exception {
    return new TargetServer(false, true);
  }

  String url(String path) {
    return (tls ? "https" : "http") + "://localhost:" + server.actualPort() + path;
  }

  /** The PEM file of the self-signed certificate, to trust it as a CA. */
  String certificatePath() {
    return cert.certificatePath();
  }

  private void handle(HttpServerRequest req) {
    String[] parts = req.path().split("/");
    switch (parts.length > 1 ? parts[1] : "") {
      case "echo" -> req.body().onSuccess(b -> echo(req, b));
      case "json" ->
          req.response()
              .putHeader("Content-Type", "application/json")
              .end("{\"status\":\"up\",\"checks\":[{\"ok\":true}],\"count\":3}");
      case "redirect" -> {
        int n = Integer.parseInt(parts[2]);
        req.response()
            .setStatusCode(302)
            .putHeader("Location", n == 0 ? "/echo" : "/redirect/" + (n - 1))
            .end();
      }
      case "big" -> big(req, Integer.parseInt(parts[2]));
      case "stall" -> req.response().setChunked(true).write("first");
      case "status" -> req.response().setStatusCode(Integer.parseInt(parts[2])).end("status");
      case "close" -> req.connection().close();
      default -> req.response().end("ok");
    }
  }

  private void echo(HttpServerRequest req, Buffer body) {
    JsonObject headers = new JsonObject();
    req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
    JsonObject query = new JsonObject();
    req.params().forEach(p -> query.put(p.getKey(), p.getValue()));
    req.response()
        .putHeader("Content-Type", "application/json")
        .putHeader("X-Served-By", "target-7")
        .end(
            new JsonObject()
                .put("method", req.method().name())
                .put("version", req.version().name())
                .put("path", req.path())
                .put("query", query)
                .put("headers", headers)
                .put("body", body.toString())
                .encode());
  }

  private void big(HttpServerRequest req, int n) {
    req.response().setChunked(true);
    Buffer chunk = Buffer.buffer("x".repeat(8192));
    int sent = 0;
    while (sent + 8192 <= n) {
      req.response().write(chunk);
      sent += 8192;
    }
    req.response().end(Buffer.buffer("x".repeat(n - sent)));
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
