package dev.cronloop.record;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Hands out run ids from blocks taken from the database sequence (hi/lo), so that a fire has its
 * id at once and ids stay unique across the nodes of a cluster. The next block is fetched on a
 * worker thread when half of the current one is used.
 *
 * <p>Confined to the engine context: the dispatch takes each fire's id there before it sends the
 * fire to its lane, so ids rise with time across the lanes and no lane takes ids itself.
 */
public final class RunIds {
  /** Ids per block; must equal the sequence's INCREMENT BY. */
  static final int BLOCK = 1000;

  private final Vertx vertx;
  private final Database db;
  private long next;
  private long end;
  private Future<Long> refill;
  private boolean closed;
  private boolean warned;
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RunIds.class);

  private RunIds(Vertx vertx, Database db, long first) {
    this.vertx = vertx;
    this.db = db;
    this.next = first;
    this.end = first + BLOCK;
  }

  /** Takes the first block; call on a worker thread during start. */
  public static RunIds open(Vertx vertx, Database db) throws java.sql.SQLException {
    return new RunIds(vertx, db, db.nextRunIdBlock());
  }

  /**
   * The next unused run id. While the database is away the next block is retried every second,
   * and fires that need an id wait for it instead of being lost; {@link #close()} ends the wait.
   */
  public Future<Long> next() {
    if (end - next < BLOCK / 2 && refill == null) {
      refill = takeBlock();
    }
    if (next < end) {
      return Future.succeededFuture(next++);
    }
    Future<Long> pending = refill;
    return pending.compose(first -> {
      if (closed) {
        // Its lane has drained and the recorder may have stopped: with an id it would queue a
        // row that no one writes.
        return Future.failedFuture("the engine is closing: the fire got no run id and is not run");
      }
      if (refill == pending) { // the first waiter adopts the block; the others draw from it
        next = first;
        end = first + BLOCK;
        refill = null;
      }
      return next();
    });
  }

  /**
   * Stops handing out ids to fires that wait for the next block: they fail, also when the block
   * comes after this; and stops retrying a block.
   */
  public void close() {
    closed = true;
  }

  private Future<Long> takeBlock() {
    return vertx.executeBlocking(db::nextRunIdBlock, false)
        .recover(e -> {
          if (closed) {
            return Future.failedFuture(e);
          }
          if (!warned) {
            warned = true;
            log.warn("cannot take run ids from the database ({}); fires wait and retry every second", e.toString());
          }
          return vertx.timer(1, java.util.concurrent.TimeUnit.SECONDS).compose(v -> takeBlock());
        })
        .andThen(ok -> warned = warned && ok.failed());
  }
}
