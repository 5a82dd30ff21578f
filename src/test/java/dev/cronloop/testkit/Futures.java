package dev.cronloop.testkit;

import io.vertx.core.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Waiting on Vert.x futures from a test thread. */
public final class Futures {
  private Futures() {}

  /** Why {@code future} failed, waiting up to 30 s; null when it succeeded. */
  public static Throwable failureOf(Future<?> future) throws Exception {
    try {
      future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }
}
