package dev.cronloop.fetch;

import dev.cronloop.definition.RequestSpec;
import dev.cronloop.definition.Retries;
import dev.cronloop.definition.RetryOn;
import dev.cronloop.definition.Secret;
import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes one request of a run through the Vert.x HttpClient, with retries, and says how it went.
 *
 * <p>One attempt is an {@link Exchange}: it follows redirects itself (so that each request has its
 * own limit and a redirect may change scheme or host), streams the body while counting its bytes
 * (keeping them only when a check reads the body, and resetting the stream past {@code
 * maxBodySize}; its first bytes are held for {@link BodyCapture} when the request captures
 * bodies), and ends at a timer of the request's total timeout. Retries wait an exponential
 * backoff with full jitter on {@code vertx.setTimer}.
 *
 * <p>Target faults are values: the returned Future always succeeds with a {@link FetchRow} whose
 * outcome tells what happened, so one dead target never stops a run. The row names the URL as
 * written, so a substituted secret never reaches the database.
 *
 * <p>Confined to the engine context.
 */
final class Fetcher {
  private final Vertx vertx;
  private final HttpClients clients;
  private final InstantSource clock;

  Fetcher(Vertx vertx, HttpClients clients) {
    this(vertx, clients, InstantSource.system());
  }

  /** A fetcher that stamps fetches and judges certificate expiry by {@code clock}. */
  Fetcher(Vertx vertx, HttpClients clients, InstantSource clock) {
    this.vertx = vertx;
    this.clients = clients;
    this.clock = clock;
  }

  /** Fetches {@code r} for run {@code runId}, retrying as {@code retries} allows. */
  Future<FetchRow> fetch(long runId, String jobId, RequestSpec r, Retries retries) {
    Instant started = clock.instant();
    return attempt(r, retries, 1).map(a -> row(runId, jobId, r, started, a));
  }

  private Future<Attempt> attempt(RequestSpec r, Retries retries, int n) {
    return new Exchange(r).start()
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

  /** One attempt of one request: its redirects, its body and its timer. */
  private final class Exchange {
    private final RequestSpec r;
    private final long t0 = System.nanoTime();
    private final Promise<Attempt> done = Promise.promise();
    private final boolean keepBody;
    private final BodyCapture.Head head;
    private boolean complete;
    private long timer = -1;
    private HttpClientRequest current;
    private HttpClientResponse response;
    private Buffer body;
    private long bytes;
    private boolean redirectLimitHit;

    Exchange(RequestSpec r) {
      this.r = r;
      this.keepBody = r.expect().readsBody();
      this.head = r.capture().wanted() ? new BodyCapture.Head(r.capture().maxBytes()) : null;
    }

    Future<Attempt> start() {
      timer = vertx.setTimer(r.timeout().toMillis(), id -> timedOut());
      send(HttpMethod.valueOf(r.method()), r.url(), r.body(), r.maxRedirects());
      return done.future();
    }

    private void send(HttpMethod method, String url, Secret payload, int redirectsLeft) {
      boolean https = url.regionMatches(true, 0, "https:", 0, 6);
      RequestOptions o =
          new RequestOptions()
              .setMethod(method)
              .setAbsoluteURI(url)
              .setFollowRedirects(false)
              .setConnectTimeout(r.connectTimeout().toMillis());
      if (https) {
        o.setSslOptions(clients.ssl(r.tls(), HttpClients.speaksH2(r.protocol(), true)));
      }
      o.putHeader("User-Agent", "cronloop");
      for (Map.Entry<String, Secret> h : r.headers().entrySet()) {
        o.putHeader(h.getKey(), h.getValue().reveal());
      }
      if (r.auth() != null) {
        o.putHeader("Authorization", r.auth().header());
      }
      clients
          .client(r.protocol(), https)
          .request(o)
          .compose(req -> sent(req, payload))
          .onComplete(
              ar -> {
                if (ar.succeeded()) {
                  answered(ar.result(), method, url, payload, redirectsLeft);
                } else {
                  failed(ar.cause());
                }
              });
    }

    private Future<HttpClientResponse> sent(HttpClientRequest req, Secret payload) {
      current = req;
      if (done.future().isComplete()) {
        req.reset();
        return Future.failedFuture("attempt over");
      }
      return payload == null ? req.send() : req.send(Buffer.buffer(payload.reveal()));
    }

    private void answered(
        HttpClientResponse resp, HttpMethod method, String url, Secret payload, int redirectsLeft) {
      if (done.future().isComplete()) {
        resp.request().reset();
        return;
      }
      String location = resp.getHeader("Location");
      if (isRedirect(resp.statusCode()) && location != null && redirectsLeft > 0) {
        redirect(resp, method, url, payload, redirectsLeft, location);
        return;
      }
      redirectLimitHit = isRedirect(resp.statusCode()) && location != null && r.maxRedirects() > 0;
      response = resp;
      resp.exceptionHandler(this::failed);
      resp.handler(this::chunk);
      resp.endHandler(v -> ended());
    }

    private void redirect(
        HttpClientResponse resp,
        HttpMethod method,
        String url,
        Secret payload,
        int redirectsLeft,
        String location) {
      String next;
      try {
        next = URI.create(url).resolve(location).toString();
      } catch (IllegalArgumentException e) {
        finish(new Verdict(Outcome.HTTP_ERROR, "redirect to an invalid Location"), resp.statusCode());
        resp.request().reset();
        return;
      }
      int code = resp.statusCode();
      boolean keep = code == 307 || code == 308 || method == HttpMethod.GET || method == HttpMethod.HEAD;
      HttpMethod nextMethod = keep ? method : HttpMethod.GET;
      Secret nextPayload = keep ? payload : null;
      resp.handler(b -> {});
      resp.end()
          .onComplete(v -> {
            if (!done.future().isComplete()) {
              send(nextMethod, next, nextPayload, redirectsLeft - 1);
            }
          });
    }

    private void chunk(Buffer b) {
      if (head != null && head.room() > 0) {
        head.add(b.getBytes(0, Math.min(b.length(), head.room())));
      }
      bytes += b.length();
      if (bytes > r.maxBodyBytes()) {
        finish(
            new Verdict(
                Outcome.BODY_TOO_LARGE, "body over " + r.maxBodyBytes() + " bytes; connection closed"),
            response.statusCode());
        closeConnection();
        return;
      }
      if (keepBody) {
        if (body == null) {
          body = Buffer.buffer();
        }
        body.appendBuffer(b);
      }
    }

    private void ended() {
      if (done.future().isComplete()) {
        return;
      }
      complete = true;
      long nanos = System.nanoTime() - t0;
      Buffer kept = body;
      Checks.Response seen =
          new Checks.Response(
              response.statusCode(),
              response::getHeader,
              () -> kept == null ? "" : kept.toString(),
              Duration.ofNanos(nanos),
              r.expect().certExpiresIn() == null ? null : notAfter(response.request()));
      Verdict v = Checks.judge(r.expect(), seen, clock.instant());
      if (redirectLimitHit && v.outcome() != Outcome.OK) {
        // a redirect loop, or a chain longer than allowed: say so rather than only "status 302"
        v = new Verdict(v.outcome(), "stopped after " + r.maxRedirects() + " redirects (maxRedirects); " + v.error());
      }
      finish(v, response.statusCode());
    }

    private void failed(Throwable err) {
      finish(Classifier.of(err), response == null ? 0 : response.statusCode());
    }

    private void timedOut() {
      timer = -1;
      String what = response == null ? "no response" : "body not complete";
      finish(
          new Verdict(Outcome.TIMEOUT, what + " within " + Durations.shown(r.timeout())),
          response == null ? 0 : response.statusCode());
      closeConnection();
    }

    /** Resets the stream; over HTTP/1.1 that closes the connection, so no late bytes are read. */
    private void closeConnection() {
      if (current != null) {
        current.reset();
      }
    }

    private void finish(Verdict v, int status) {
      if (done.future().isComplete()) {
        return;
      }
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      done.complete(new Attempt(v, status, bytes, System.nanoTime() - t0, 1, captured(v)));
    }

    /** The body as {@code capture} keeps it for this verdict, or null. */
    private String captured(Verdict v) {
      if (head == null || !BodyCapture.keeps(r.capture(), v.outcome(), response != null)) {
        return null;
      }
      return BodyCapture.text(
          response.getHeader("Content-Type"), head.bytes(), bytes, complete, BodyCapture.secrets(r));
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  /** The end of validity of the server's certificate, or null without TLS. */
  private static Instant notAfter(HttpClientRequest req) {
    try {
      if (req.connection() == null || !req.connection().isSsl()) {
        return null;
      }
      List<Certificate> certs = req.connection().peerCertificates();
      if (!certs.isEmpty() && certs.get(0) instanceof X509Certificate x) {
        return x.getNotAfter().toInstant();
      }
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      return null;
    }
    return null;
  }
}
