package dev.cronloop;

import dev.cronloop.definition.Secret;
import dev.cronloop.notify.Notifier;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;

/**
 * The effective configuration of an {@link Engine}, as built by {@link EngineBuilder}. Immutable.
 *
 * @param jobs the jobs folder
 * @param jdbcUrl where outcomes are recorded
 * @param node this node's name, written to {@code runs.node}
 * @param schedule false to load jobs without arming any trigger (as {@code cronloop fire} does)
 * @param grace how long shutdown lets runs in flight finish before cancelling them
 * @param maxInFlight requests in flight across all runs
 * @param recorderCapacity outcomes that may wait for the database
 * @param quartzThreads Quartz worker threads (they only hand fires over)
 * @param http where the HTTP API listens, or null for none
 * @param token the bearer token mutating HTTP calls need, or null for none; prints as {@code ***}
 * @param maxConnectionsPerHost connections the engine keeps to one host and port, per HTTP version
 * @param journal where outcomes wait while the database is away
 * @param spillAfter how long the database may fail before outcomes go to the journal
 * @param retention how long runs and their fetches are kept, or null to keep them forever
 * @param clusterCheckin how often a cluster node checks in; a node silent for longer (plus a grace)
 *     is taken over by the others
 * @param leaseRenewal how often the engine renews its lease on the database (one engine per
 *     database, or one live node per name in a cluster); a lease not renewed for three periods is
 *     taken over
 * @param clock where the engine reads the time: fire, start and end instants, lateness
 * @param notices how notices are delivered, and the public URL their links start with
 * @param lanes event loops the runs are spread over, at most; 0 for all of them (up to the processors)
 * @param oneOff an engine for one fire and exit ({@link EngineBuilder#oneOff()}): no triggers, no
 *     JVM or Vert.x meters, no HTTP API
 */
public record EngineConfig(
    Path jobs,
    String jdbcUrl,
    String node,
    boolean schedule,
    Duration grace,
    int maxInFlight,
    int recorderCapacity,
    int quartzThreads,
    InetSocketAddress http,
    Secret token,
    int maxConnectionsPerHost,
    Path journal,
    Duration spillAfter,
    Duration retention,
    Duration clusterCheckin,
    Duration leaseRenewal,
    InstantSource clock,
    Notifier.Settings notices,
    int lanes,
    boolean oneOff) {}
