package dev.cronloop.notify;

/**
 * One notice on its way to one channel, or a ping. Immutable.
 *
 * @param noticeId the notice's id (its {@code Idempotency-Key}), or null for a ping
 * @param payload the notice's JSON, without secrets
 * @param attemptsBefore attempts made before this delivery began (by a previous process, say)
 */
record Delivery(String noticeId, String jobId, long runId, String event, String channel, String payload,
    int attemptsBefore) {}
