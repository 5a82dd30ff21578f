package dev.cronloop.fetch;

import dev.cronloop.definition.RequestSpec;
import dev.cronloop.definition.Retries;
import dev.cronloop.definition.RetryOn;
import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes one request of a run through the Vert.x WebClient, with retries, and says how it went.
 *
 * <p>One attempt is an {@link Exchange}: its redirects, its body and its timer. A first attempt
 * primed ahead of its instant ({@link PrimedRequests}) is released rather than made. Retries wait
 * an exponential backoff with full jitter on {@code vertx.setTimer}.
 *
 * <p>Target faults are values: the returned Future always succeeds with a {@link FetchRow} whose
 * outcome tells what happened, so one dead target never stops a run. The row names the URL as
 * written, so a substituted secret never reaches the database.
 *
 * <p>Confined to its lane's context: each lane has its own fetcher over its own {@link
 * HttpClients}; timers set here run on the lane.
 */
final class Fetcher {
  private final Vertx vertx;
  private final HttpClients clients;
  private final InstantSource clock;
  private final PrimedRequests primed;

  Fetcher(Vertx vertx, HttpClients clients) {
    this(vertx, clients, InstantSource.system());
  }

  /** A fetcher that stamps fetches and judges certificate expiry by {@code clock}. */
  Fetcher(Vertx vertx, HttpClients clients, InstantSource clock) {
    this.vertx = vertx;
    this.clients = clients;
    this.clock = clock;
    this.primed = new PrimedRequests(vertx, clients, clock);
  }

  /** Primes {@code r} for a fire at {@code at}: its first attempt then only has to write it. */
  boolean prime(RequestSpec r, Instant at) {
    return primed.prime(r, at);
  }

  /** Resets what was primed for {@code at} and not taken, once that instant's runs have started. */
  void expirePrimed(Instant at) {
    primed.expire(at);
  }

  /** Primed requests not yet taken. */
  int primedCount() {
    return primed.size();
  }

  /** Primed requests a run could take now. */
  int primedReady() {
    return primed.ready();
  }

  /** Resets the primed requests no run took, for a lane that closes. */
  void discardPrimed() {
    primed.discardAll();
  }

  /** Fetches {@code r} for run {@code runId}, retrying as {@code retries} allows. */
  Future<FetchRow> fetch(long runId, String jobId, RequestSpec r, Retries retries) {
    Instant started = clock.instant();
    return attempt(r, retries, 1).map(a -> row(runId, jobId, r, started, a));
  }

  private Future<Attempt> attempt(RequestSpec r, Retries retries, int n) {
    Exchange ready = n == 1 ? primed.take(r) : null;
    return (ready != null ? ready.release() : new Exchange(vertx, clients, clock, r).start())
        .compose(
            a -> {
              if (n > retries.max() || !retryable(a, retries)) {
                return Future.succeededFuture(a.withNumber(n));
              }
              return delay(backoff(retries.backoff(), n)).compose(v -> attempt(r, retries, n + 1));
            });
  }

  static boolean retryable(Attempt a, Retries retries) {
    Outcome o = a.verdict().outcome();
    return switch (o) {
      case CONNECT_ERROR -> retries.on().contains(RetryOn.CONNECT);
      case DNS_ERROR -> retries.on().contains(RetryOn.DNS);
      case TLS_ERROR -> retries.on().contains(RetryOn.TLS);
      case TIMEOUT -> retries.on().contains(RetryOn.TIMEOUT);
      case HTTP_ERROR ->
          (a.status() >= 500 && retries.on().contains(RetryOn.STATUS_5XX))
              || (a.status() == 429 && retries.on().contains(RetryOn.STATUS_429));
      default -> false;
    };
  }

  /** Exponential backoff with full jitter: a random delay up to base * 2^(n-1). */
  static Duration backoff(Duration base, int attempt) {
    long cap = base.toMillis() << Math.min(attempt - 1, 16);
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap + 1));
  }

  private Future<Void> delay(Duration d) {
    if (d.isZero()) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    vertx.setTimer(d.toMillis(), id -> p.complete());
    return p.future();
  }

  private FetchRow row(long runId, String jobId, RequestSpec r, Instant started, Attempt a) {
    return new FetchRow(
        runId,
        jobId,
        r.urlAsWritten(),
        r.method(),
        a.number(),
        a.status(),
        a.verdict().outcome(),
        a.verdict().error(),
        a.nanos() / 1_000_000,
        a.bytes(),
        started,
        clock.instant(),
        a.body());
  }

  /** One attempt's end; {@code body} is what {@code capture} kept of the response, or null. */
  record Attempt(Verdict verdict, int status, long bytes, long nanos, int number, String body) {
    Attempt withNumber(int n) {
      return new Attempt(verdict, status, bytes, nanos, n, body);
    }
  }
}
