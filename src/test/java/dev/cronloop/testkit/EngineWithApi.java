package dev.cronloop.testkit;

import dev.cronloop.Engine;
import dev.cronloop.EngineBuilder;
import dev.cronloop.model.RunResult;
import io.vertx.core.Future;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real engine with its HTTP API on {@code 127.0.0.1:0}, its jobs folder and H2 file in a test's
 * folder, and the loopback target its jobs call: the fixture the API, CLI and status-page tests
 * share, one engine per test class.
 *
 * <p>Write the jobs ({@link #job}) against {@link #target()}, then {@link #start()}; close it in
 * {@code @AfterAll}. Given {@link #checkedBy EngineInvariants}, the engine is {@link
 * EngineInvariants#share shared} before it starts and checked once it is closed.
 *
 * @param <T> the target: a {@link LoopbackServer} unless the test brings another
 */
public final class EngineWithApi<T extends AutoCloseable> implements AutoCloseable {
  /** A schedule that never comes, for jobs that run only when a test fires them. */
  public static final String NEVER = "0 0 0 1 1 ? 2099";

  private static final long START_SECONDS = 60;
  private static final long CALL_SECONDS = 30;

  private final Path dir;
  private final T target;
  private String token;
  private EngineInvariants invariants;
  private Engine engine;

  private EngineWithApi(Path dir, T target) {
    this.dir = dir;
    this.target = target;
  }

  /** A fixture in {@code dir} whose jobs call a new {@link LoopbackServer}. */
  public static EngineWithApi<LoopbackServer> in(Path dir) throws Exception {
    return new EngineWithApi<>(dir, LoopbackServer.start());
  }

  /** A fixture in {@code dir} whose jobs call {@code target}, which it closes. */
  public static <T extends AutoCloseable> EngineWithApi<T> in(Path dir, T target) {
    return new EngineWithApi<>(dir, target);
  }

  /** Guards the mutating API calls with {@code token}. Call before {@link #start()}. */
  public EngineWithApi<T> token(String token) {
    this.token = token;
    return this;
  }

  /** Shares the engine with {@code invariants}, which check it once closed. Call before {@link #start()}. */
  public EngineWithApi<T> checkedBy(EngineInvariants invariants) {
    this.invariants = invariants;
    return this;
  }

  public T target() {
    return target;
  }

  /** The jobs folder the engine watches. */
  public Path jobs() {
    return dir.resolve("jobs");
  }

  /** The JDBC URL of the engine's H2 file. */
  public String database() {
    return "jdbc:h2:file:" + dir.resolve("db/cronloop");
  }

  /** Writes the job file {@code name} into the jobs folder. */
  public Path job(String name, String yaml) throws IOException {
    return JobFiles.write(jobs(), name, yaml);
  }

  /** Builds and starts the engine; returns it once it serves its API. */
  public Engine start() throws Exception {
    EngineBuilder b = Engine.builder()
        .jobs(jobs())
        .database(database())
        .http(new InetSocketAddress("127.0.0.1", 0));
    if (token != null) {
      b.token(token);
    }
    engine = invariants == null ? b.build() : invariants.share(b.build());
    engine.start().toCompletionStage().toCompletableFuture().get(START_SECONDS, TimeUnit.SECONDS);
    return engine;
  }

  public Engine engine() {
    return engine;
  }

  /** The API's base URL, {@code http://127.0.0.1:PORT}, without a trailing slash. */
  public String url() {
    return "http://127.0.0.1:" + engine.httpPort();
  }

  /** Fires {@code job} now and waits for its run to be recorded. */
  public RunResult fire(String job) throws Exception {
    return await(engine.fire(job));
  }

  /** Waits for a call to the engine ({@code pause}, {@code resume} ...) and returns its result. */
  public <R> R await(Future<R> call) throws Exception {
    return call.toCompletionStage().toCompletableFuture().get(CALL_SECONDS, TimeUnit.SECONDS);
  }

  /** Closes the engine (then checks it, if invariants were given) and the target. */
  @Override
  public void close() throws Exception {
    try {
      if (engine != null) {
        engine.close().toCompletionStage().toCompletableFuture().get(START_SECONDS, TimeUnit.SECONDS);
        if (invariants != null) {
          invariants.checkEngines();
        }
      }
    } finally {
      target.close();
    }
  }
}
