package dev.cronloop.fetch;

import dev.cronloop.definition.Auth;
import dev.cronloop.definition.RequestSpec;
import dev.cronloop.definition.Secret;
import dev.cronloop.model.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.impl.HttpContext;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.codec.spi.BodyStream;
import java.net.URI;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/**
 * One attempt of one request through the Vert.x WebClient: its redirects, its body and its timer.
 *
 * <p>The attempt follows redirects itself (so that each request has its own limit and a redirect
 * may change scheme or host), streams the body while counting its bytes (keeping them only when a
 * check reads the body, and resetting the stream past {@code maxBodySize}; its first bytes are held
 * for {@link BodyCapture} when the request captures bodies), and ends at a timer of the request's
 * total timeout.
 *
 * <p>The attempt is its requests' {@link BodyCodec}: the WebClient pipes each response body into
 * the stream it makes, and {@link #intercept}, the one interceptor of each of the engine's
 * WebClients, hands it the per-request TLS options, the request (to reset it and read the peer's
 * certificate) and the response head (to choose between following a redirect and reading the
 * body). Confined to its lane's context.
 *
 * <p>An attempt may be <em>primed</em> ahead of its instant ({@link PrimedRequests}): it goes as
 * far as a pooled connection and a request built on it, and holds there, nothing written, until
 * {@link #release()} sends it. Its timer and its latency start at the release.
 */
final class Exchange implements BodyCodec<Void> {
  private static final VertxException OVER = new VertxException("attempt over", true);

  private final Vertx vertx;
  private final HttpClients clients;
  private final InstantSource clock;
  private final RequestSpec r;
  private long t0 = System.nanoTime();
  /** Primed and not yet released: the request holds before its head is written. */
  private boolean held;
  /** The request context waiting for the release, once a primed request has its connection. */
  private HttpContext<?> parked;
  private final Promise<Fetcher.Attempt> done = Promise.promise();
  private final boolean keepBody;
  private final BodyCapture.Head head;
  private boolean complete;
  private long timer = -1;
  private HttpClientRequest current;
  private HttpClientResponse response;
  private Buffer body;
  private long bytes;
  private boolean redirectLimitHit;
  // the hop in flight, and where it leads when its response is a redirect to follow
  private HttpMethod method;
  private String url;
  private Secret payload;
  private int redirectsLeft;
  private boolean https;
  private Runnable follow;

  Exchange(Vertx vertx, HttpClients clients, InstantSource clock, RequestSpec r) {
    this.vertx = vertx;
    this.clients = clients;
    this.clock = clock;
    this.r = r;
    this.keepBody = r.expect().readsBody();
    this.head = r.capture().wanted() ? new BodyCapture.Head(r.capture().maxBytes()) : null;
  }

  Future<Fetcher.Attempt> start() {
    timer = vertx.setTimer(r.timeout().toMillis(), id -> timedOut());
    send(HttpMethod.valueOf(r.method()), r.url(), r.body(), r.maxRedirects());
    return done.future();
  }

  /** Takes a connection and builds the request on it, but writes nothing until {@link #release()}. */
  void prime() {
    held = true;
    send(HttpMethod.valueOf(r.method()), r.url(), r.body(), r.maxRedirects());
  }

  /**
   * True while primed, not released and not failed: a primed attempt whose connection could not
   * be had, or closed while it waited (a server's keep-alive running out), is not used; a fresh
   * attempt goes in its place.
   */
  boolean primed() {
    return held && !done.future().isComplete()
        && (parked == null || !parked.clientRequest().response().failed());
  }

  /** Sends a primed attempt now: its timer and its latency start here. */
  Future<Fetcher.Attempt> release() {
    held = false;
    t0 = System.nanoTime();
    timer = vertx.setTimer(r.timeout().toMillis(), id -> timedOut());
    HttpContext<?> ctx = parked;
    parked = null;
    if (ctx != null) {
      ctx.next(); // writes the request; one still waiting for its connection goes when it has one
    }
    return done.future();
  }

  /** Drops a primed attempt that was not used: the request is reset unsent, its connection kept. */
  void discard() {
    if (!held) {
      return;
    }
    held = false;
    done.tryFail(OVER);
    HttpContext<?> ctx = parked;
    parked = null;
    if (ctx != null) {
      ctx.fail(OVER);
    }
  }

  /** The engine WebClients' interceptor: passes a request of an attempt to that attempt. */
  static void intercept(HttpContext<?> ctx) {
    if (ctx.request().bodyCodec() instanceof Exchange x) {
      x.on(ctx);
    } else {
      ctx.next();
    }
  }

  private void send(HttpMethod m, String u, Secret p, int left) {
    method = m;
    url = u;
    payload = p;
    redirectsLeft = left;
    follow = null;
    https = u.regionMatches(true, 0, "https:", 0, 6);
    HttpRequest<Void> req;
    try {
      req = clients.web(r.protocol(), https).requestAbs(m, u).as(this);
    } catch (RuntimeException e) {
      failed(e);
      return;
    }
    req.connectTimeout(r.connectTimeout().toMillis());
    for (Map.Entry<String, Secret> h : r.headers().entrySet()) {
      req.putHeader(h.getKey(), h.getValue().reveal());
    }
    authenticate(req, r.auth());
    Future<HttpResponse<Void>> sent = p == null ? req.send() : req.sendBuffer(Buffer.buffer(p.reveal()));
    sent.onComplete(
        ar -> {
          if (follow != null) {
            // the redirect's body was read (or broke off): go on, as a browser would
            Runnable next = follow;
            follow = null;
            if (!done.future().isComplete()) {
              next.run();
            }
          } else if (ar.succeeded()) {
            ended();
          } else {
            failed(ar.cause());
          }
        });
  }

  /**
   * The Authorization header, written by the WebClient. A Basic user-id with a colon cannot be
   * told apart from its password (RFC 7617) and the WebClient refuses it; it is sent as written.
   */
  private static void authenticate(HttpRequest<Void> req, Auth auth) {
    if (auth instanceof Auth.Bearer b) {
      req.bearerTokenAuthentication(b.token().reveal());
    } else if (auth instanceof Auth.Basic b && b.user().reveal().indexOf(':') < 0) {
      req.basicAuthentication(b.user().reveal(), b.password().reveal());
    } else if (auth != null) {
      req.putHeader("Authorization", auth.header());
    }
  }

  private void on(HttpContext<?> ctx) {
    switch (ctx.phase()) {
      case CREATE_REQUEST -> {
        if (https) {
          ctx.requestOptions()
              .setSslOptions(clients.ssl(r.tls(), HttpClients.speaksH2(r.protocol(), true)));
        }
        ctx.next();
      }
      case SEND_REQUEST -> {
        current = ctx.clientRequest();
        if (done.future().isComplete()) {
          current.exceptionHandler(unsent -> {}); // the reset of a request never written is no fault
          ctx.fail(OVER); // resets the request
        } else if (held) {
          // primed: the release sends it; a connection that closes meanwhile fails it unwritten,
          // which primed() sees (no fault to report: a fresh attempt goes instead)
          current.exceptionHandler(unsent -> {});
          parked = ctx;
        } else {
          ctx.next();
        }
      }
      case RECEIVE_RESPONSE -> answered(ctx);
      default -> ctx.next();
    }
  }

  private void answered(HttpContext<?> ctx) {
    HttpClientResponse resp = ctx.clientResponse();
    if (done.future().isComplete()) {
      resp.request().reset();
      ctx.fail(OVER);
      return;
    }
    String location = resp.getHeader("Location");
    if (isRedirect(resp.statusCode()) && location != null && redirectsLeft > 0) {
      String next;
      try {
        next = URI.create(url).resolve(location).toString();
      } catch (IllegalArgumentException e) {
        finish(new Verdict(Outcome.HTTP_ERROR, "redirect to an invalid Location"), resp.statusCode());
        resp.request().reset();
        ctx.fail(OVER);
        return;
      }
      int code = resp.statusCode();
      boolean keep = code == 307 || code == 308 || method == HttpMethod.GET || method == HttpMethod.HEAD;
      HttpMethod nextMethod = keep ? method : HttpMethod.GET;
      Secret nextPayload = keep ? payload : null;
      int left = redirectsLeft - 1;
      follow = () -> send(nextMethod, next, nextPayload, left);
      ctx.next(); // the body streams into a drain
      return;
    }
    redirectLimitHit = isRedirect(resp.statusCode()) && location != null && r.maxRedirects() > 0;
    response = resp;
    ctx.next();
  }

  @Override
  public BodyStream<Void> stream() {
    return new Sink(follow == null);
  }

  /** Where a response body goes: counted, kept as far as needed; or, for a redirect, dropped. */
  private final class Sink implements BodyStream<Void> {
    private final boolean counts;
    private final Promise<Void> result = Promise.promise();

    Sink(boolean counts) {
      this.counts = counts;
    }

    @Override
    public Future<Void> result() {
      return result.future();
    }

    @Override
    public void handle(Throwable err) {
      result.tryFail(err);
    }

    @Override
    public Future<Void> write(Buffer b) {
      if (counts) {
        chunk(b);
      }
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> end() {
      result.tryComplete();
      return Future.succeededFuture();
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return false;
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
      return this;
    }
  }

  private void chunk(Buffer b) {
    if (done.future().isComplete()) {
      return;
    }
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
    done.complete(new Fetcher.Attempt(v, status, bytes, System.nanoTime() - t0, 1, captured(v)));
  }

  /** The body as {@code capture} keeps it for this verdict, or null. */
  private String captured(Verdict v) {
    if (head == null || !BodyCapture.keeps(r.capture(), v.outcome(), response != null)) {
      return null;
    }
    return BodyCapture.text(
        response.getHeader("Content-Type"), head.bytes(), bytes, complete, BodyCapture.secrets(r));
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
