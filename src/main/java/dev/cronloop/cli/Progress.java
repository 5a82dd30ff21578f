package dev.cronloop.cli;

import dev.cronloop.RunListener;
import dev.cronloop.model.FetchRow;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Progress of one fire on a terminal: done/total, rate and failures on one rewritten line of
 * stderr. Counts on the engine context, prints from the waiting main thread.
 */
final class Progress implements RunListener {
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final long t0 = System.nanoTime();
  private int total;

  @Override
  public void fetchEnded(FetchRow fetch) {
    done.incrementAndGet();
    if (!fetch.ok()) {
      failed.incrementAndGet();
    }
  }

  void total(int n) {
    total = n;
  }

  void print(PrintStream err) {
    double seconds = Math.max(1e-3, (System.nanoTime() - t0) / 1e9);
    err.printf("\r%d/%d done, %.0f/s, %d failed ", done.get(), total, done.get() / seconds, failed.get());
    err.flush();
  }

  /** True when stderr is most likely a terminal (Java 17 has no direct test for stderr). */
  static boolean onTerminal() {
    return System.console() != null;
  }
}
