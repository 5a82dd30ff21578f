package dev.cronloop.record;

import dev.cronloop.model.FetchRow;

/**
 * The failed fetches of one job over a window: how many, and the newest of them.
 *
 * @param count fetches of the job whose outcome was not OK
 * @param last the newest of them
 */
public record JobFailures(String jobId, int count, FetchRow last) {}
