package dev.cronloop.fetch;

import dev.cronloop.definition.JobDefinition;
import dev.cronloop.definition.JobFileParser;
import dev.cronloop.definition.RequestSpec;
import dev.cronloop.model.FetchRow;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Test fixture: parses a job file and fetches its requests through a real {@link Fetcher} on a
 * Vert.x context of its own, as the engine would.
 */
final class Fetching implements AutoCloseable {
  final Vertx vertx;
  private final Context loop;
  private final HttpClients clients;
  final Fetcher fetcher;
  private final Path dir;

  Fetching(Path dir) {
    this(dir, 100);
  }

  Fetching(Path dir, int maxPerHost) {
    this(dir, maxPerHost, new VertxOptions());
  }

  /** With the given Vert.x options (one event loop), e.g. a strict blocked-thread checker. */
  Fetching(Path dir, int maxPerHost, VertxOptions options) {
    this.vertx = Vertx.vertx(options.setEventLoopPoolSize(1));
    this.loop = vertx.getOrCreateContext();
    this.dir = dir;
    this.clients = new HttpClients(vertx, maxPerHost);
    this.fetcher = new Fetcher(vertx, clients);
  }

  /** Parses {@code yaml} (with a schedule added) and returns the job; fails on a problem. */
  JobDefinition job(String yaml) throws Exception {
    Path file = dir.resolve("job.yaml");
    Files.writeString(file, "schedule: \"0 0 0 1 1 ? 2099\"\n" + yaml);
    JobFileParser.Result r = JobFileParser.withEnv(Map.of("SECRET", "s3cret")).parse(file);
    if (!r.ok()) {
      throw new AssertionError("job does not load: " + r.problems());
    }
    return r.jobs().get(0);
  }

  /** Fetches the first request of {@code yaml}. */
  FetchRow fetch(String yaml) throws Exception {
    return fetchAll(yaml).get(0);
  }

  List<FetchRow> fetchAll(String yaml) throws Exception {
    return fetchAll(job(yaml));
  }

  /** Fetches the first request of {@code job}, as its run's first attempt would. */
  FetchRow fetch(JobDefinition job) throws Exception {
    return fetchAll(job).get(0);
  }

  /** Fetches every request of {@code job} at once. */
  List<FetchRow> fetchAll(JobDefinition job) throws Exception {
    CompletableFuture<List<FetchRow>> rows = new CompletableFuture<>();
    loop.runOnContext(
        v -> {
          List<Future<FetchRow>> all =
              job.requests().stream()
                  .map((RequestSpec r) -> fetcher.fetch(1, job.id(), r, job.retries()))
                  .toList();
          Future.all(all)
              .map(c -> c.<FetchRow>list())
              .onComplete(ar -> {
                if (ar.succeeded()) {
                  rows.complete(ar.result());
                } else {
                  rows.completeExceptionally(ar.cause());
                }
              });
        });
    return rows.get(30, TimeUnit.SECONDS);
  }

  /** Runs {@code task} on the fetcher's context and returns what it returned. */
  <T> T onLoop(Supplier<T> task) throws Exception {
    CompletableFuture<T> out = new CompletableFuture<>();
    loop.runOnContext(v -> out.complete(task.get()));
    return out.get(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
