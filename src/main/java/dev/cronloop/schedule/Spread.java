package dev.cronloop.schedule;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * A fixed offset per job within a window, so that jobs with one schedule do not all fire in the
 * same instant. The offset depends only on the job id: it is the same on every node, in every JVM
 * and after every restart.
 *
 * <p>A window of a second or more gives a whole second (the hash modulo the window's whole
 * seconds) plus tenths of a second (the hash, mixed again, modulo ten: FNV-1a alone leaves ids
 * that differ in their last characters with tenths that bunch). The tenths keep the jobs of
 * one second apart: 10,000 jobs spread over a minute start about 17 at a time instead of 167,
 * which is what a pool of connections and the targets see. Tenths, not milliseconds, because
 * each distinct instant is one hand-off of a shard's trigger: at most ten a second per shard.
 *
 * <p>The hash is 64-bit FNV-1a (offset basis {@code 0xcbf29ce484222325}, prime {@code
 * 0x100000001b3}) over the UTF-8 bytes of the id, read as an unsigned number and reduced modulo
 * the window. {@code String.hashCode} is stable too but has only 32 bits and spreads similar ids
 * (job-1, job-2, ...) into neighbouring values.
 */
public final class Spread {

  private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;
  /** The step of the part of an offset under a second. */
  static final Duration STEP = Duration.ofMillis(100);
  private static final int STEPS_PER_SECOND = 10;

  private Spread() {}

  /**
   * The offset of {@code jobId} in {@code [0, window)}: in tenths of a second when the window is at
   * least one second (a 90.5s window gives 0s to 89.9s), else in nanoseconds. A zero window gives
   * zero.
   *
   * @throws IllegalArgumentException when the window is negative
   */
  public static Duration offset(String jobId, Duration window) {
    Objects.requireNonNull(jobId, "jobId");
    if (window.isNegative()) {
      throw new IllegalArgumentException("spread window must not be negative, got " + window);
    }
    if (window.isZero()) {
      return Duration.ZERO;
    }
    long hash = fnv1a64(jobId);
    if (window.getSeconds() >= 1) {
      long seconds = Long.remainderUnsigned(hash, window.getSeconds());
      long steps = Long.remainderUnsigned(mix(hash), STEPS_PER_SECOND);
      return Duration.ofSeconds(seconds).plus(STEP.multipliedBy(steps));
    }
    return Duration.ofNanos(Long.remainderUnsigned(hash, window.toNanos()));
  }

  /**
   * A stable 64-bit hash of a job id, the same on every node: also how the trigger layer assigns
   * jobs to shards.
   */
  public static long hash(String jobId) {
    return fnv1a64(jobId);
  }

  /** MurmurHash3's 64-bit finalizer: every bit of {@code h} moves every bit of the result. */
  static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /** 64-bit FNV-1a of the UTF-8 bytes of {@code text}. */
  static long fnv1a64(String text) {
    long hash = FNV_OFFSET_BASIS;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= FNV_PRIME;
    }
    return hash;
  }
}
