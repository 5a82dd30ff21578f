package dev.cronloop.server;

import dev.cronloop.record.RunQueries;
import dev.cronloop.record.RunRow;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /api/runs?job=&status=&limit=&before=} and {@code GET /api/runs/{id}} with its fetches. */
final class RunRoutes {
  private final ApiSupport api;

  RunRoutes(ApiSupport api) {
    this.api = api;
  }

  void mount(Router r) {
    r.get("/api/runs").handler(this::runs);
    r.get("/api/runs/:id").handler(this::run);
  }

  private void runs(RoutingContext ctx) {
    if (api.started(ctx) == null) {
      return;
    }
    RunsQuery q;
    try {
      q = RunsQuery.parse(ctx.queryParams().names(), ctx::queryParam);
    } catch (IllegalArgumentException e) {
      ApiSupport.error(ctx, 400, e.getMessage());
      return;
    }
    api.blocking(() -> api.engine.queries().runs(q.job(), q.status(), q.before(), q.limit()))
        .onSuccess(rows -> {
          JsonArray runs = new JsonArray();
          rows.forEach(r -> runs.add(JobJson.run(r)));
          Long nextBefore = rows.size() == q.limit() ? rows.get(rows.size() - 1).id() : null;
          ctx.json(new JsonObject().put("runs", runs).put("nextBefore", nextBefore));
        })
        .onFailure(ctx::fail);
  }

  private void run(RoutingContext ctx) {
    if (api.started(ctx) == null) {
      return;
    }
    long id;
    try {
      id = RunsQuery.positiveLong("id", ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      ApiSupport.error(ctx, 400, e.getMessage());
      return;
    }
    RunQueries queries = api.engine.queries();
    api.blocking(() -> runWithFetches(queries, id))
        .onSuccess(found -> {
          if (found == null) {
            ApiSupport.error(ctx, 404, "no run " + id);
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
}
