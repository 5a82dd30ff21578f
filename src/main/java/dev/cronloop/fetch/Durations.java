package dev.cronloop.fetch;

import java.time.Duration;

/** Durations as messages show them: {@code 500ms}, {@code 5s}, {@code 1m30s}. */
final class Durations {
  private Durations() {}

  static String shown(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 != 0) {
      return ms + "ms";
    }
    long s = ms / 1000;
    if (s < 60) {
      return s + "s";
    }
    return s % 60 == 0 ? s / 60 + "m" : s / 60 + "m" + s % 60 + "s";
  }
}
