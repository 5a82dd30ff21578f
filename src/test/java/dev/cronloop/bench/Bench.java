package dev.cronloop.bench;

import java.util.Arrays;

/** What the benchmarks share: how cold and warm figures are taken. */
final class Bench {
  /**
   * Fires in a running engine before its figures count: enough for the JIT to have compiled the
   * path, as in a daemon that has been running (the CPU time per request stops falling after
   * about four fires of 50,000 requests).
   */
  static final int WARM_UP = 4;
  /** Fires whose median is the warm figure. */
  static final int MEASURED = 5;
  /** Fresh {@code cronloop fire} processes whose median is the cold figure. */
  static final int COLD = 3;

  private Bench() {}

  static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
