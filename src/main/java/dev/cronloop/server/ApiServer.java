package dev.cronloop.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.InetSocketAddress;
import java.util.function.BooleanSupplier;

/**
 * The engine's HTTP endpoint: {@code /health} and {@code /ready} (DESIGN.md, "HTTP API").
 *
 * <p>Runs on: the engine context (handlers are called there).
 */
public final class ApiServer {
  private final Vertx vertx;
  private final Router router;
  private HttpServer server;

  public ApiServer(Vertx vertx, BooleanSupplier ready) {
    this.vertx = vertx;
    this.router = Router.router(vertx);
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "up")));
    router
        .get("/ready")
        .handler(
            ctx -> {
              boolean ok = ready.getAsBoolean();
              ctx.response().setStatusCode(ok ? 200 : 503);
              ctx.json(new JsonObject().put("ready", ok));
            });
  }

  /** The routes, for a host application to mount under a sub-router. */
  public Router router() {
    return router;
  }

  /** Starts listening; fails with a message naming the fix when the port is taken. */
  public Future<Integer> listen(InetSocketAddress address) {
    server = vertx.createHttpServer().requestHandler(router);
    return server
        .listen(address.getPort(), address.getHostString())
        .map(HttpServer::actualPort)
        .recover(
            err ->
                Future.failedFuture(
                    new IllegalStateException(
                        "cannot listen on "
                            + address.getHostString()
                            + ":"
                            + address.getPort()
                            + " ("
                            + err.getMessage()
                            + "); stop the other process or pass --http 127.0.0.1:0",
                        err)));
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
