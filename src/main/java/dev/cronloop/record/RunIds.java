package dev.cronloop.record;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Hands out run ids from blocks taken from the database sequence (hi/lo), so that a fire has its
 * id at once and ids stay unique across the nodes of a cluster. The next block is fetched on a
 * worker thread when half of the current one is used.
 *
 * <p>Confined to the engine context.
 */
public final class RunIds {
  /** Ids per block; must equal the sequence's INCREMENT BY. */
  static final int BLOCK = 1000;

  private final Vertx vertx;
  private final Database db;
  private long next;
  private long end;
  private Future<Long> refill;

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

  /** The next unused run id. */
  public Future<Long> next() {
    if (end - next < BLOCK / 2 && refill == null) {
      refill = vertx.executeBlocking(db::nextRunIdBlock, false);
    }
    if (next < end) {
      return Future.succeededFuture(next++);
    }
    return refill.map(this::switchTo);
  }

  private long switchTo(long first) {
    if (next >= end) {
      next = first;
      end = first + BLOCK;
      refill = null;
    }
    return next++;
  }
}
