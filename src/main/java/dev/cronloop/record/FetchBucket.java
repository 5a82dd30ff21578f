package dev.cronloop.record;

import java.time.Instant;

/**
 * The fetches of one job that started in one time bucket, summed up: what the status page draws.
 *
 * @param start the first instant of the bucket
 * @param total fetches started in the bucket
 * @param ok of which passed every check
 * @param avgLatencyMs mean latency of all of them
 * @param maxLatencyMs the slowest of them
 */
public record FetchBucket(
    String jobId, Instant start, int total, int ok, double avgLatencyMs, long maxLatencyMs) {}
