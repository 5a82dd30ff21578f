package dev.cronloop.server;

import dev.cronloop.definition.Catalog;
import dev.cronloop.definition.JobDefinition;
import dev.cronloop.definition.JobState;
import dev.cronloop.definition.Problem;
import dev.cronloop.model.JobHealth;
import dev.cronloop.model.RunStatus;
import dev.cronloop.record.NoticeStore;
import dev.cronloop.record.RunQueries;
import dev.cronloop.record.RunRow;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/jobs}, {@code GET /api/jobs/{id}} and the mutating calls {@code POST
 * /api/jobs/{id}/trigger}, {@code /pause} and {@code /resume}; also the job summary the status
 * page repeats.
 */
final class JobRoutes {
  // Logs as ApiServer, as it did before the routes had classes of their own.
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  private final Vertx vertx;
  private final ApiSupport api;
  private final EngineView engine;
  private final StatusIndexCache index;

  JobRoutes(Vertx vertx, ApiSupport api) {
    this.vertx = vertx;
    this.api = api;
    this.engine = api.engine;
    this.index = new StatusIndexCache(engine, this::state);
  }

  /** The status index of {@code catalog} as it is now, for the filters and counts. Blocking. */
  StatusIndex index(Catalog catalog) throws Exception {
    return index.current(catalog);
  }

  void mount(Router r, Handler<RoutingContext> authorized) {
    r.get("/api/jobs").handler(this::jobs);
    r.get("/api/jobs/:id").handler(this::job);
    r.post("/api/jobs/:id/trigger").handler(authorized).handler(this::trigger);
    r.post("/api/jobs/:id/pause").handler(authorized).handler(ctx -> pause(ctx, true));
    r.post("/api/jobs/:id/resume").handler(authorized).handler(ctx -> pause(ctx, false));
  }

  /**
   * Every job, or with {@code q}, {@code state}, {@code offset} and {@code limit} the page of
   * matching jobs in id order, with {@code total}, {@code matched} and {@code nextOffset}.
   */
  private void jobs(RoutingContext ctx) {
    Catalog catalog = api.started(ctx);
    if (catalog == null) {
      return;
    }
    StatusQuery query = StatusQuery.from(ctx);
    if (query == null) {
      return;
    }
    NoticeStore notices = engine.notices();
    api.blocking(() -> listData(catalog, query, notices))
        .onSuccess(data -> {
          Map<String, RunRow> last = data.last();
          List<JobDefinition> matches = data.matches();
          JsonArray jobs = new JsonArray();
          query.page(matches).forEach(j -> jobs.add(withHealth(jobSummary(catalog, j, last.get(j.id()), 1), j,
              data.health())));
          JsonObject answer = new JsonObject()
              .put("jobs", jobs)
              .put("invalidFiles", invalidFiles(catalog))
              .put("problems", problems(catalog.problems()));
          if (query.limit() > 0) {
            answer.put("total", catalog.jobs().size()).put("matched", matches.size())
                .put("offset", query.offset()).put("nextOffset", query.nextOffset(matches.size()));
          }
          ctx.json(answer);
        })
        .onFailure(ctx::fail);
  }

  /**
   * What the job list reads: the jobs the query selects, each job's newest run and, for notifying
   * jobs, health.
   */
  private record ListData(List<JobDefinition> matches, Map<String, RunRow> last, Map<String, JobHealth> health) {}

  /**
   * The unpaged list reads the newest runs afresh, as it always did; a filtered or paged one reads
   * the status index, as the status page does. Blocking.
   */
  private ListData listData(Catalog catalog, StatusQuery query, NoticeStore notices) throws Exception {
    Map<String, JobHealth> health = notices == null ? Map.of() : notices.healthOfAll();
    if (query.equals(StatusQuery.ALL)) {
      return new ListData(catalog.jobs(), lastRuns(engine.queries()), health);
    }
    StatusIndex i = index.current(catalog);
    return new ListData(i.matching(query), i.last(), health);
  }

  /** Adds a notifying job's health ({@code ok} before its first counted run) to its summary. */
  static JsonObject withHealth(JsonObject summary, JobDefinition job, Map<String, JobHealth> health) {
    return job.notices() == null ? summary
        : summary.put("health", JobJson.health(health.getOrDefault(job.id(), JobHealth.initial(job.id()))));
  }

  private void job(RoutingContext ctx) {
    Catalog catalog = api.started(ctx);
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
    NoticeStore notices = engine.notices();
    api.blocking(() -> lastFinished(engine.queries(), id))
        .compose(last -> api.blocking(() -> health(notices, job))
            .map(health -> jobSummary(catalog, job, last, 5).put("health", health)))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  /**
   * A notifying job's health and last notice (null for a job that does not notify): state, failures
   * in a row, since when, and the newest notice with its delivery status. Holds no secret.
   */
  private static JsonObject health(NoticeStore notices, JobDefinition job) throws Exception {
    if (notices == null || job.notices() == null) {
      return null;
    }
    JobHealth h = notices.health(job.id()).orElse(JobHealth.initial(job.id()));
    NoticeStore.LastNotice n = notices.lastNotice(job.id()).orElse(null);
    return JobJson.health(h)
        .put("channels", new JsonArray(job.notices().channelNames()))
        .put("failWhen", job.failWhen().toString())
        .put("lastNotice", n == null ? null : new JsonObject()
            .put("id", n.id())
            .put("event", n.event())
            .put("channel", n.channel())
            .put("status", n.status())
            .put("attempts", n.attempts())
            .put("at", JobJson.instant(n.createdAt()))
            .put("doneAt", JobJson.instant(n.doneAt())));
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

  JsonObject jobSummary(Catalog catalog, JobDefinition job, RunRow last, int fires) {
    JsonArray next = new JsonArray();
    engine.nextFires(job.id(), fires).forEach(t -> next.add(JobJson.instant(t)));
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
  String state(Catalog catalog, JobDefinition job) {
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

  static Map<String, RunRow> lastRuns(RunQueries q) throws Exception {
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

  static JsonArray problems(List<Problem> problems) {
    JsonArray a = new JsonArray();
    problems.forEach(p -> a.add(JobJson.problem(p)));
    return a;
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
        ApiSupport.error(ctx, 503, ar.cause().getMessage());
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
        ApiSupport.error(ctx, 503, "cannot store the " + (pause ? "pause" : "resume") + " of job \"" + job.id()
            + "\" (" + ar.cause().getMessage() + "); check the database and try again");
        return;
      }
      if (!ar.result()) {
        ApiSupport.error(ctx, 409, "job \"" + job.id() + "\" is " + (pause ? "already paused" : "not paused"));
        return;
      }
      log.info("job {} {} through the API", job.id(), pause ? "paused" : "resumed");
      ctx.json(new JsonObject().put("job", job.id()).put("state", state(catalog, job)));
    }));
  }

  private JobDefinition knownJob(RoutingContext ctx) {
    Catalog catalog = api.started(ctx);
    if (catalog == null) {
      return null;
    }
    String id = ctx.pathParam("id");
    JobDefinition job = catalog.job(id).orElse(null);
    if (job == null) {
      ApiSupport.error(ctx, 404, "no job \"" + id + "\"");
    }
    return job;
  }
}
