package dev.cronloop.server;

import dev.cronloop.definition.Secret;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The engine's HTTP API, metrics and status page (DESIGN.md, "HTTP API"). The routes live on one
 * {@link Router}, which the engine serves itself or a host mounts under a sub-router.
 *
 * <p>Runs on: whichever context serves the router (the engine's when it listens itself, the
 * host's when mounted). Handlers never block: every database read goes through the {@code
 * cronloop-db} worker executor, and engine state is read through the thread-safe {@link
 * EngineView}.
 *
 * <p>The routes are grouped by resource: {@link HealthRoutes} (health, readiness, metrics),
 * {@link JobRoutes}, {@link RunRoutes} and {@link StatusRoutes} (the status page and its data);
 * {@link ApiSupport} holds what they share and {@link BearerToken} guards the mutating calls.
 *
 * <p>The routes and their {@code cronloop-db} executor are made on first use ({@link #router()} or
 * {@link #listen}): an engine that serves no API, such as a one-off {@code cronloop fire}, loads
 * none of Vert.x Web's classes for them.
 */
public final class ApiServer {
  private final Vertx vertx;
  private final EngineView engine;
  private final Metrics metrics;
  private final Secret token;
  private Router router; // guarded by this; null until first use
  private WorkerExecutor db; // guarded by this
  private HttpServer server;

  /**
   * @param token the bearer token mutating calls need, or null when none is configured
   */
  public ApiServer(Vertx vertx, EngineView engine, Metrics metrics, Secret token) {
    this.vertx = vertx;
    this.engine = engine;
    this.metrics = metrics;
    this.token = token;
  }

  /** The routes, for a host application to mount under a sub-router; made on the first call. */
  public synchronized Router router() {
    if (router == null) {
      db = vertx.createSharedWorkerExecutor("cronloop-db", 2);
      router = routes(new ApiSupport(engine, db));
    }
    return router;
  }

  private Router routes(ApiSupport api) {
    BearerToken authorized =
        new BearerToken(token == null ? null : token.reveal().getBytes(StandardCharsets.UTF_8));
    Router r = Router.router(vertx);
    new HealthRoutes(api, metrics).mount(r);
    JobRoutes jobs = new JobRoutes(vertx, api);
    jobs.mount(r, authorized);
    new RunRoutes(api).mount(r);
    StatusRoutes status = new StatusRoutes(api, jobs);
    status.mount(r);
    r.route("/api/*").handler(ctx -> ApiSupport.error(ctx, 404, "no such endpoint: " + ctx.request().method() + " " + ctx.normalizedPath()));
    status.mountPage(r);
    r.route().failureHandler(api::failed);
    return r;
  }

  /** Starts listening; fails with a message naming the fix when the port is taken. */
  public Future<Integer> listen(InetSocketAddress address) {
    server = vertx.createHttpServer().requestHandler(router());
    return server
        .listen(address.getPort(), address.getHostString())
        .map(HttpServer::actualPort)
        .recover(err -> Future.failedFuture(new IllegalStateException(
            "cannot listen on " + address.getHostString() + ":" + address.getPort() + " ("
                + err.getMessage() + "); stop the other process or pass --http 127.0.0.1:0",
            err)));
  }

  /** Stops listening (when it did) and closes the database worker executor (when made). */
  public Future<Void> close() {
    Future<Void> stopped = server == null ? Future.succeededFuture() : server.close();
    WorkerExecutor executor;
    synchronized (this) {
      executor = db;
    }
    return executor == null ? stopped : stopped.eventually(executor::close);
  }
}
