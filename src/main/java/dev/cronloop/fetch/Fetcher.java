package dev.cronloop.fetch;

import dev.cronloop.definition.Retries;
import dev.cronloop.definition.RequestSpec;
import dev.cronloop.definition.Secret;
import dev.cronloop.record.FetchRow;
import dev.cronloop.record.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes one request of a run through the Vert.x WebClient, with retries, and says how it went.
 *
 * <p>Target faults are values: the returned Future always succeeds with a {@link FetchRow} whose
 * outcome tells what happened, so one dead target never stops a run.
 *
 * <p>Confined to the engine context.
 */
final class Fetcher {
  private final Vertx vertx;
  private final WebClient client;

  Fetcher(Vertx vertx, WebClient client) {
    this.vertx = vertx;
    this.client = client;
  }

  /** Fetches {@code r} for run {@code runId}, retrying as {@code retries} allows. */
  Future<FetchRow> fetch(long runId, String jobId, RequestSpec r, Retries retries) {
    Instant started = Instant.now();
    return attempt(r, retries, 1).map(a -> row(runId, jobId, r, started, a));
  }

  private Future<Attempt> attempt(RequestSpec r, Retries retries, int n) {
    return once(r)
        .compose(
            a -> {
              if (n > retries.max() || !retryable(a)) {
                return Future.succeededFuture(a.withNumber(n));
              }
              return delay(backoff(retries.backoff(), n)).compose(v -> attempt(r, retries, n + 1));
            });
  }

  private Future<Attempt> once(RequestSpec r) {
    long t0 = System.nanoTime();
    HttpRequest<Buffer> request =
        client.requestAbs(HttpMethod.valueOf(r.method()), r.url()).timeout(r.timeout().toMillis());
    for (Map.Entry<String, Secret> h : r.headers().entrySet()) {
      request.putHeader(h.getKey(), h.getValue().reveal());
    }
    Future<HttpResponse<Buffer>> sent =
        r.body() == null ? request.send() : request.sendBuffer(Buffer.buffer(r.body().reveal()));
    return sent.map(resp -> judged(r, resp, System.nanoTime() - t0))
        .otherwise(err -> new Attempt(Classifier.of(err), 0, 0, System.nanoTime() - t0, 1));
  }

  private static Attempt judged(RequestSpec r, HttpResponse<Buffer> resp, long nanos) {
    Buffer body = resp.body();
    int bytes = body == null ? 0 : body.length();
    Verdict v =
        Checks.judge(
            r.expect(),
            resp.statusCode(),
            () -> body == null ? "" : body.toString(),
            Duration.ofNanos(nanos));
    return new Attempt(v, resp.statusCode(), bytes, nanos, 1);
  }

  private static boolean retryable(Attempt a) {
    Outcome o = a.verdict().outcome();
    return o == Outcome.CONNECT_ERROR || o == Outcome.TIMEOUT || a.status() >= 500;
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

  private static FetchRow row(long runId, String jobId, RequestSpec r, Instant started, Attempt a) {
    return new FetchRow(
        runId,
        jobId,
        r.url(),
        r.method(),
        a.number(),
        a.status(),
        a.verdict().outcome(),
        a.verdict().error(),
        a.nanos() / 1_000_000,
        a.bytes(),
        started,
        Instant.now());
  }

  private record Attempt(Verdict verdict, int status, long bytes, long nanos, int number) {
    Attempt withNumber(int n) {
      return new Attempt(verdict, status, bytes, nanos, n);
    }
  }
}
