package dev.cronloop.server;

import dev.cronloop.definition.Catalog;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every route of the API shares: the engine view, the {@code cronloop-db} worker executor
 * that database reads go through, the "not started" answer, and the JSON error and failure
 * handlers.
 *
 * <p>Runs on: whichever context serves the router. Never blocks.
 */
final class ApiSupport {
  // Logs as ApiServer, as it did before the routes had classes of their own.
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  final EngineView engine;
  private final WorkerExecutor db;

  ApiSupport(EngineView engine, WorkerExecutor db) {
    this.engine = engine;
    this.db = db;
  }

  /** The catalog, or null after answering 503 while the engine is not started. */
  Catalog started(RoutingContext ctx) {
    Catalog catalog = engine.catalog();
    if (catalog == null || engine.queries() == null) {
      error(ctx, 503, "the engine is not started");
      return null;
    }
    return catalog;
  }

  <T> Future<T> blocking(Callable<T> task) {
    try {
      return db.executeBlocking(task, false);
    } catch (RejectedExecutionException e) {
      return Future.failedFuture(new EngineClosed());
    }
  }

  /** The engine was closed while its router stays mounted in a host. */
  private static final class EngineClosed extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    EngineClosed() {
      super("the engine is closed");
    }
  }

  /** The router's failure handler: a JSON error, logged when it is the server's fault. */
  void failed(RoutingContext ctx) {
    int code = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    Throwable err = ctx.failure();
    if (err instanceof NoSuchElementException) {
      code = 404;
    } else if (err instanceof EngineClosed) {
      error(ctx, 503, err.getMessage());
      return;
    }
    if (code >= 500) {
      log.warn("{} {} failed", ctx.request().method(), ctx.normalizedPath(), err);
    }
    if (ctx.response().ended()) {
      return;
    }
    error(ctx, code, code >= 500 ? "internal error; see the cronloop log" : String.valueOf(err == null ? "error" : err.getMessage()));
  }

  static void error(RoutingContext ctx, int status, String message) {
    ctx.response().setStatusCode(status);
    ctx.json(new JsonObject().put("error", message).put("status", status));
  }
}
