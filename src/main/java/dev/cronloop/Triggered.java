package dev.cronloop;

import dev.cronloop.model.RunResult;
import io.vertx.core.Future;

/**
 * A fire started by {@link Engine#trigger(String)}: the id of its run, known as soon as the fire is
 * accepted, and the run's end.
 *
 * @param runId the id the run has in {@code runs} and in {@code GET /api/runs/{id}}
 * @param completion completes when the run's last row is committed (a SKIPPED result when the
 *     job's overlap policy skipped it); fails when the engine shut down first
 */
public record Triggered(long runId, Future<RunResult> completion) {}
