package dev.cronloop.record;

import java.time.Instant;

/** A row of {@code runs} as read back. Timestamps may be null while a run is not finished. */
public record RunRow(
    long id,
    String jobId,
    String node,
    Trigger trigger,
    Instant scheduledAt,
    Instant firedAt,
    Instant startedAt,
    Instant finishedAt,
    RunStatus status,
    int requestsTotal,
    int requestsOk,
    int requestsFailed) {}
