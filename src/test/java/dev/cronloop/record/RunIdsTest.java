package dev.cronloop.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Run ids from blocks of a real H2 file's sequence, taken on a Vert.x context as the dispatch does. */
@Timeout(60)
class RunIdsTest {
  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void the_fire_after_a_block_waits_for_the_next_one_and_gets_the_id_that_follows() throws Exception {
    try (Database db = Database.open(url(), 2)) {
      RunIds ids = RunIds.open(vertx, db);
      List<Long> block = new ArrayList<>();
      Future<Long> following = onContext(() -> {
        block.addAll(take(ids, RunIds.BLOCK));
        return ids.next();
      });

      assertThat(block).doesNotHaveDuplicates().isSorted();
      assertThat(block.get(RunIds.BLOCK - 1) - block.get(0)).isEqualTo(RunIds.BLOCK - 1);
      assertThat(following.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS))
          .isEqualTo(block.get(RunIds.BLOCK - 1) + 1);
    }
  }

  /**
   * A fire that waits for the next block when the engine closes gets no id, even when the block
   * comes after the close: with one, it went on to its lane after the drain and queued a row in a
   * recorder that had stopped (ApiTest once saw "writes still queued in the recorder after close").
   */
  @Test
  void a_fire_still_waiting_for_a_block_at_the_close_gets_no_id() throws Exception {
    try (Database db = Database.open(url(), 1, Duration.ofSeconds(20))) {
      RunIds ids = RunIds.open(vertx, db);
      Future<Long> waiting;
      // The pool's one connection is held, so the next block cannot come before the close.
      try (Connection held = db.dataSource().getConnection()) {
        waiting = onContext(() -> {
          take(ids, RunIds.BLOCK);
          Future<Long> next = ids.next();
          ids.close();
          return next;
        });
        assertThat(waiting.isComplete()).as("%s", waiting).isFalse();
      }
      CompletableFuture<Long> outcome = waiting.toCompletionStage().toCompletableFuture();

      assertThat(outcome).failsWithin(Duration.ofSeconds(20))
          .withThrowableOfType(ExecutionException.class)
          .withMessageContaining("closing");
    }
  }

  private static List<Long> take(RunIds ids, int n) {
    List<Long> taken = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Future<Long> id = ids.next();
      if (!id.succeeded()) {
        throw new AssertionError("id " + i + " was not there at once");
      }
      taken.add(id.result());
    }
    return taken;
  }

  /** Runs {@code task} on one context of {@code vertx}, as the engine context does, and waits for it. */
  private <T> T onContext(java.util.concurrent.Callable<T> task) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(v -> {
      try {
        done.complete(task.call());
      } catch (Throwable e) { // NOPMD: handed to the test thread
        done.completeExceptionally(e);
      }
    });
    return done.get(30, TimeUnit.SECONDS);
  }

  private String url() {
    return "jdbc:h2:file:" + dir.resolve("ids");
  }
}
