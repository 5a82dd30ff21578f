package dev.cronloop.fetch;

import dev.cronloop.model.Fire;

/**
 * A fire with the run id the engine context took for it ({@code record.RunIds}), on its way to its
 * lane. Ids are taken on the engine context, in the order fires come, so they keep rising with
 * time across lanes; a lane only launches.
 */
record Ticket(long runId, Fire fire) {}
