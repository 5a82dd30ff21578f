package dev.cronloop;

import dev.cronloop.definition.Catalog;
import dev.cronloop.record.NoticeStore;
import dev.cronloop.record.Recorder;
import dev.cronloop.record.RunQueries;
import dev.cronloop.record.Stores;
import dev.cronloop.server.EngineView;
import io.vertx.core.Future;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;

/** The engine as the HTTP API sees it: thread-safe reads and the few actions it may take. */
final class ApiView implements EngineView {
  private final Engine engine;

  ApiView(Engine engine) {
    this.engine = engine;
  }

  @Override
  public Catalog catalog() {
    return engine.catalog();
  }

  @Override
  public List<Instant> nextFires(String jobId, int n) {
    return engine.nextFires(jobId, n);
  }

  @Override
  public boolean paused(String jobId) {
    return engine.paused(jobId);
  }

  @Override
  public long runsEnded() {
    return engine.parts.runsEnded();
  }

  @Override
  public Set<String> pausedJobs() {
    return engine.parts.pausedJobs();
  }

  @Override
  public Future<Boolean> pause(String jobId) {
    return engine.pause(jobId, "API");
  }

  @Override
  public Future<Boolean> resume(String jobId) {
    return engine.resume(jobId);
  }

  @Override
  public Future<Long> trigger(String jobId) {
    return engine.trigger(jobId).map(Triggered::runId);
  }

  @Override
  public boolean schedulerRunning() {
    return engine.parts.schedulerRunning();
  }

  @Override
  public RunQueries queries() {
    return engine.parts.queries();
  }

  @Override
  public InstantSource clock() {
    return engine.config().clock();
  }

  @Override
  public NoticeStore notices() {
    Stores s = engine.parts.stores();
    return s == null ? null : s.notices();
  }

  @Override
  public boolean recorderDegraded() {
    Stores s = engine.parts.stores();
    Recorder r = s == null ? null : s.recorder();
    return r != null && r.degraded();
  }

  @Override
  public boolean databaseReachable() {
    Stores s = engine.parts.stores();
    return s != null && s.db().reachable();
  }
}
