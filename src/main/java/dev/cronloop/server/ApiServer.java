package dev.cronloop.server;

import dev.cronloop.definition.Catalog;
import dev.cronloop.definition.JobDefinition;
import dev.cronloop.definition.JobState;
import dev.cronloop.definition.Problem;
import dev.cronloop.definition.Secret;
import dev.cronloop.model.RunStatus;
import dev.cronloop.record.FetchBucket;
import dev.cronloop.record.RunQueries;
import dev.cronloop.record.RunRow;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's HTTP API, metrics and status page (DESIGN.md, "HTTP API"). The routes live on one
 * {@link Router}, which the engine serves itself or a host mounts under a sub-router.
 *
 * <p>Runs on: whichever context serves the router (the engine's when it listens itself, the
 * host's when mounted). Handlers never block: every database read goes through the {@code
 * cronloop-db} worker executor, and engine state is read through the thread-safe {@link
 * EngineView}.
 */
public final class ApiServer {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  /** Runs per page when {@code limit} is not given, and the most a page may hold. */
  static final int DEFAULT_LIMIT = 50;

  static final int MAX_LIMIT = 1000;
  static final Duration STATS_WINDOW = Duration.ofHours(24);
  static final Duration STATS_BUCKET = Duration.ofMinutes(30);
  private static final Set<String> RUN_PARAMS = Set.of("job", "status", "limit", "before");

  private final Vertx vertx;
  private final EngineView engine;
  private final Metrics metrics;
  private final byte[] token;
  private final Router router;
  private final WorkerExecutor db;
  private HttpServer server;

  /**
   * @param token the bearer token mutating calls need, or null when none is configured
   */
  public ApiServer(Vertx vertx, EngineView engine, Metrics metrics, Secret token) {
    this.vertx = vertx;
    this.engine = engine;
    this.metrics = metrics;
    this.token = token == null ? null : token.reveal().getBytes(StandardCharsets.UTF_8);
    this.db = vertx.createSharedWorkerExecutor("cronloop-db", 2);
    this.router = routes();
  }

  /** The routes, for a host application to mount under a sub-router. */
  public Router router() {
    return router;
  }

  private Router routes() {
    Router r = Router.router(vertx);
    r.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "up")));
    r.get("/ready").handler(this::ready);
    r.get("/metrics").handler(this::metrics);
    r.get("/api/jobs").handler(this::jobs);
    r.get("/api/jobs/:id").handler(this::job);
    r.post("/api/jobs/:id/trigger").handler(this::authorized).handler(this::trigger);
    r.post("/api/jobs/:id/pause").handler(this::authorized).handler(ctx -> pause(ctx, true));
    r.post("/api/jobs/:id/resume").handler(this::authorized).handler(ctx -> pause(ctx, false));
    r.get("/api/runs").handler(this::runs);
    r.get("/api/runs/:id").handler(this::run);
    r.get("/api/status").handler(this::status);
    r.route("/api/*").handler(ctx -> error(ctx, 404, "no such endpoint: " + ctx.request().method() + " " + ctx.normalizedPath()));
    r.get("/*").handler(StaticHandler.create("cronloop-web").setCachingEnabled(false).setIndexPage("index.html"));
    r.route().failureHandler(this::failed);
    return r;
  }

  /** Starts listening; fails with a message naming the fix when the port is taken. */
  public Future<Integer> listen(InetSocketAddress address) {
    server = vertx.createHttpServer().requestHandler(router);
    return server
        .listen(address.getPort(), address.getHostString())
        .map(HttpServer::actualPort)
        .recover(err -> Future.failedFuture(new IllegalStateException(
            "cannot listen on " + address.getHostString() + ":" + address.getPort() + " ("
                + err.getMessage() + "); stop the other process or pass --http 127.0.0.1:0",
            err)));
  }

  /** Stops listening (when it did) and closes the database worker executor. */
  public Future<Void> close() {
    Future<Void> stopped = server == null ? Future.succeededFuture() : server.close();
    return stopped.eventually(() -> db.close());
  }

  // ---- health, readiness, metrics

  private void ready(RoutingContext ctx) {
    boolean scheduler = engine.schedulerRunning();
    blocking(engine::databaseReachable)
        .otherwise(false)
        .onSuccess(database -> {
          boolean degraded = engine.recorderDegraded();
          boolean ok = scheduler && database && !degraded;
          ctx.response().setStatusCode(ok ? 200 : 503);
          ctx.json(new JsonObject().put("ready", ok).put("scheduler", scheduler).put("database", database)
              .put("recorder", degraded ? "degraded: outcomes go to the journal" : "ok"));
        });
  }

  private void metrics(RoutingContext ctx) {
    blocking(metrics::scrape)
        .onSuccess(text -> ctx.response()
            .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
            .end(text))
        .onFailure(ctx::fail);
  }

  // ---- jobs

  private void jobs(RoutingContext ctx) {
    Catalog catalog = started(ctx);
    if (catalog == null) {
      return;
    }
    blocking(() -> lastRuns(engine.queries()))
        .onSuccess(last -> {
          JsonArray jobs = new JsonArray();
          catalog.jobs().forEach(j -> jobs.add(jobSummary(catalog, j, last.get(j.id()), 1)));
          ctx.json(new JsonObject()
              .put("jobs", jobs)
              .put("invalidFiles", invalidFiles(catalog))
              .put("problems", problems(catalog.problems())));
        })
        .onFailure(ctx::fail);
  }

  private void job(RoutingContext ctx) {
    Catalog catalog = started(ctx);
    if (catalog == null) {
      return;
    }
    String id = ctx.pathParam("id");
    JobDefinition job = catalog.job(id).orElse(null);
    if (job == null) {
      List<Problem> own = problemsOf(catalog, id);
      ctx.response().setStatusCode(404);
      ctx.json(new JsonObject()
          .put("error", own.isEmpty() ? "no job \"" + id + "\"" : "job \"" + id + "\" does not load")
          .put("state", own.isEmpty() ? null : "invalid")
          .put("problems", problems(own)));
      return;
    }
    blocking(() -> lastFinished(engine.queries(), id))
        .onSuccess(last -> ctx.json(jobSummary(catalog, job, last, 5)))
        .onFailure(ctx::fail);
  }

  /** The newest run of a job that is no longer RUNNING, or null. */
  private static RunRow lastFinished(RunQueries q, String id) throws Exception {
    for (RunRow r : q.runs(id, null, null, 20)) {
      if (r.status() != RunStatus.RUNNING) {
        return r;
      }
    }
    return null;
  }

  private JsonObject jobSummary(Catalog catalog, JobDefinition job, RunRow last, int fires) {
    JsonArray next = new JsonArray();
    engine.nextFires(job.id(), fires).forEach(t -> next.add(t.toString()));
    List<Problem> own = catalog.state(job.id()).map(JobState::problems).orElse(List.of());
    return new JsonObject()
        .put("id", job.id())
        .put("state", state(catalog, job))
        .put("paused", engine.paused(job.id()))
        .put("problems", problems(own))
        .put("nextFires", next)
        .put("lastRun", last == null ? null : JobJson.run(last))
        .put("definition", JobJson.definition(job));
  }

  /**
   * {@code invalid} while the job's file does not load (the job runs its last good version), else
   * {@code disabled}, {@code paused} or {@code scheduled}.
   */
  private String state(Catalog catalog, JobDefinition job) {
    if (catalog.state(job.id()).map(s -> s.status() == JobState.Status.INVALID).orElse(false)) {
      return "invalid";
    }
    if (!job.enabled()) {
      return "disabled";
    }
    return engine.paused(job.id()) ? "paused" : "scheduled";
  }

  /**
   * The job files that do not load: each with its problems and the ids of the jobs that still
   * run its last good version (none for a file that never loaded).
   */
  private static JsonArray invalidFiles(Catalog catalog) {
    JsonArray files = new JsonArray();
    catalog.invalidFiles().forEach((file, problems) -> {
      JsonArray jobs = new JsonArray();
      catalog.states().values().stream()
          .filter(s -> s.status() == JobState.Status.INVALID && file.equals(s.definition().file()))
          .forEach(s -> jobs.add(s.id()));
      files.add(new JsonObject()
          .put("file", file.getFileName() == null ? file.toString() : file.getFileName().toString())
          .put("state", "invalid")
          .put("jobs", jobs)
          .put("problems", problems(problems)));
    });
    return files;
  }

  private static Map<String, RunRow> lastRuns(RunQueries q) throws Exception {
    return q.lastFinishedPerJob().stream().collect(Collectors.toMap(RunRow::jobId, r -> r));
  }

  /** The problems of the file a missing job would have come from: {@code ID.yaml} and the like. */
  private static List<Problem> problemsOf(Catalog catalog, String id) {
    return catalog.problems().stream()
        .filter(p -> p.file().getFileName() != null)
        .filter(p -> stem(p.file().getFileName().toString()).equals(id))
        .toList();
  }

  private static String stem(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
  }

  private static JsonArray problems(List<Problem> problems) {
    JsonArray a = new JsonArray();
    problems.forEach(p -> a.add(JobJson.problem(p)));
    return a;
  }

  // ---- mutations

  private void authorized(RoutingContext ctx) {
    if (token == null) {
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    byte[] given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8)
        : new byte[0];
    if (MessageDigest.isEqual(given, token)) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"cronloop\"");
    error(ctx, 401, header == null
        ? "this call needs Authorization: Bearer <token>"
        : "the bearer token does not match");
  }

  private void trigger(RoutingContext ctx) {
    JobDefinition job = knownJob(ctx);
    if (job == null) {
      return;
    }
    // The id arrives on the engine context; answer on the context that serves this request.
    Context here = vertx.getOrCreateContext();
    engine.trigger(job.id()).onComplete(ar -> here.runOnContext(v -> {
      if (ar.failed()) {
        error(ctx, 503, ar.cause().getMessage());
        return;
      }
      ctx.response().setStatusCode(202);
      ctx.json(new JsonObject().put("run", ar.result()).put("job", job.id()));
    }));
  }

  private void pause(RoutingContext ctx, boolean pause) {
    JobDefinition job = knownJob(ctx);
    if (job == null) {
      return;
    }
    // The answer waits for the pause to be committed: once it is 200, every restart and (within
    // a check-in period) every node knows. The result arrives on the engine context.
    Context here = vertx.getOrCreateContext();
    Catalog catalog = engine.catalog();
    (pause ? engine.pause(job.id()) : engine.resume(job.id())).onComplete(ar -> here.runOnContext(v -> {
      if (ar.failed()) {
        log.warn("cannot store the {} of job {}: {}", pause ? "pause" : "resume", job.id(), ar.cause().toString());
        error(ctx, 503, "cannot store the " + (pause ? "pause" : "resume") + " of job \"" + job.id()
            + "\" (" + ar.cause().getMessage() + "); check the database and try again");
        return;
      }
      if (!ar.result()) {
        error(ctx, 409, "job \"" + job.id() + "\" is " + (pause ? "already paused" : "not paused"));
        return;
      }
      log.info("job {} {} through the API", job.id(), pause ? "paused" : "resumed");
      ctx.json(new JsonObject().put("job", job.id()).put("state", state(catalog, job)));
    }));
  }

  private JobDefinition knownJob(RoutingContext ctx) {
    Catalog catalog = started(ctx);
    if (catalog == null) {
      return null;
    }
    String id = ctx.pathParam("id");
    JobDefinition job = catalog.job(id).orElse(null);
    if (job == null) {
      error(ctx, 404, "no job \"" + id + "\"");
    }
    return job;
  }

  // ---- runs

  private void runs(RoutingContext ctx) {
    if (started(ctx) == null) {
      return;
    }
    RunsQuery q;
    try {
      q = RunsQuery.parse(ctx.queryParams().names(), ctx::queryParam);
    } catch (IllegalArgumentException e) {
      error(ctx, 400, e.getMessage());
      return;
    }
    blocking(() -> engine.queries().runs(q.job(), q.status(), q.before(), q.limit()))
        .onSuccess(rows -> {
          JsonArray runs = new JsonArray();
          rows.forEach(r -> runs.add(JobJson.run(r)));
          Long nextBefore = rows.size() == q.limit() ? rows.get(rows.size() - 1).id() : null;
          ctx.json(new JsonObject().put("runs", runs).put("nextBefore", nextBefore));
        })
        .onFailure(ctx::fail);
  }

  private void run(RoutingContext ctx) {
    if (started(ctx) == null) {
      return;
    }
    long id;
    try {
      id = RunsQuery.positiveLong("id", ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      error(ctx, 400, e.getMessage());
      return;
    }
    RunQueries queries = engine.queries();
    blocking(() -> runWithFetches(queries, id))
        .onSuccess(found -> {
          if (found == null) {
            error(ctx, 404, "no run " + id);
          } else {
            ctx.json(found);
          }
        })
        .onFailure(ctx::fail);
  }

  /** One run with its fetches, or null when there is no such run. Blocking. */
  private static JsonObject runWithFetches(RunQueries queries, long id) throws Exception {
    RunRow run = queries.run(id).orElse(null);
    if (run == null) {
      return null;
    }
    JsonArray fetches = new JsonArray();
    queries.fetches(id).forEach(f -> fetches.add(JobJson.fetch(f)));
    return JobJson.run(run).put("fetches", fetches);
  }

  // ---- the status page's data

  /**
   * Everything the status page shows in one answer: jobs with their last run and next fire,
   * 24 hours of fetch statistics per job in 30-minute buckets, recent failures, invalid files.
   */
  private void status(RoutingContext ctx) {
    Catalog catalog = started(ctx);
    if (catalog == null) {
      return;
    }
    Instant now = Instant.now();
    Instant since = now.minus(STATS_WINDOW);
    RunQueries q = engine.queries();
    blocking(() -> new StatusData(lastRuns(q), q.buckets(since, STATS_BUCKET), q.recentFailures(20)))
        .onSuccess(data -> ctx.json(statusJson(catalog, data, now, since)))
        .onFailure(ctx::fail);
  }

  private record StatusData(
      Map<String, RunRow> last, List<FetchBucket> buckets, List<dev.cronloop.model.FetchRow> failures) {}

  private JsonObject statusJson(Catalog catalog, StatusData data, Instant now, Instant since) {
    Map<String, List<FetchBucket>> byJob = new HashMap<>();
    data.buckets().forEach(b -> byJob.computeIfAbsent(b.jobId(), k -> new ArrayList<>()).add(b));
    JsonArray jobs = new JsonArray();
    for (JobDefinition j : catalog.jobs()) {
      JsonObject o = jobSummary(catalog, j, data.last().get(j.id()), 1);
      JsonArray buckets = new JsonArray();
      int total = 0;
      int ok = 0;
      for (FetchBucket b : byJob.getOrDefault(j.id(), List.of())) {
        buckets.add(JobJson.bucket(b));
        total += b.total();
        ok += b.ok();
      }
      o.put("stats", new JsonObject().put("fetches", total).put("ok", ok).put("buckets", buckets));
      jobs.add(o);
    }
    JsonArray failures = new JsonArray();
    data.failures().forEach(f -> failures.add(JobJson.fetch(f)));
    return new JsonObject()
        .put("now", now.toString())
        .put("since", since.toString())
        .put("bucketSeconds", STATS_BUCKET.toSeconds())
        .put("scheduler", engine.schedulerRunning())
        .put("jobs", jobs)
        .put("failures", failures)
        .put("problems", problems(catalog.problems()));
  }

  // ---- plumbing

  private Catalog started(RoutingContext ctx) {
    Catalog catalog = engine.catalog();
    if (catalog == null || engine.queries() == null) {
      error(ctx, 503, "the engine is not started");
      return null;
    }
    return catalog;
  }

  private <T> Future<T> blocking(Callable<T> task) {
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

  private void failed(RoutingContext ctx) {
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

  /** The validated query of {@code GET /api/runs}. */
  record RunsQuery(String job, RunStatus status, Long before, int limit) {

    static RunsQuery parse(Set<String> names, java.util.function.Function<String, List<String>> values) {
      for (String n : names) {
        if (!RUN_PARAMS.contains(n)) {
          throw new IllegalArgumentException(
              "unknown parameter \"" + n + "\"; use job, status, limit or before");
        }
        if (values.apply(n).size() > 1) {
          throw new IllegalArgumentException("parameter \"" + n + "\" is given more than once");
        }
      }
      String job = one(values, "job");
      if (job != null && (job.isBlank() || job.length() > 255)) {
        throw new IllegalArgumentException("job must be a job id of 1-255 characters");
      }
      String statusText = one(values, "status");
      RunStatus status = null;
      if (statusText != null) {
        try {
          status = RunStatus.valueOf(statusText.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("status must be one of " + Arrays.toString(RunStatus.values())
              + "; got \"" + statusText + "\"");
        }
      }
      String limitText = one(values, "limit");
      int limit = DEFAULT_LIMIT;
      if (limitText != null) {
        long l = positiveLong("limit", limitText);
        if (l > MAX_LIMIT) {
          throw new IllegalArgumentException("limit must be 1-" + MAX_LIMIT + "; got " + limitText);
        }
        limit = (int) l;
      }
      String beforeText = one(values, "before");
      Long before = beforeText == null ? null : positiveLong("before", beforeText);
      return new RunsQuery(job, status, before, limit);
    }

    static long positiveLong(String name, String text) {
      try {
        long v = Long.parseLong(text);
        if (v >= 1) {
          return v;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(name + " must be a whole number >= 1; got \"" + text + "\"");
    }

    private static String one(java.util.function.Function<String, List<String>> values, String name) {
      List<String> v = values.apply(name);
      return v == null || v.isEmpty() ? null : v.get(0);
    }
  }
}
