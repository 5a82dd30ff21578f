package dev.cronloop.fetch;

import dev.cronloop.definition.Protocol;
import dev.cronloop.definition.Tls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's HTTP clients: one speaking HTTP/1.1 only, one speaking HTTP/2 (ALPN over TLS,
 * prior knowledge in clear text), each wrapped once in the WebClient the fetcher uses. Per-job TLS trust goes into each request
 * as {@link ClientSSLOptions}; Vert.x keys its connection pools by those options too, so a
 * connection opened without verification is never reused by a job that verifies.
 *
 * <p>Each client keeps at most {@code maxPerHost} connections to one host and port; requests
 * beyond that wait in the client's pool, and that wait counts against the connect timeout.
 *
 * <p>Confined to its lane's context: each lane has its own clients, so the connections of a
 * pool all live on that lane's event loop and a request searches only its lane's connections.
 * {@link #close()} from any thread.
 */
public final class HttpClients {
  private static final String VERIFY_HOST = "HTTPS";

  private final Vertx vertx;
  private final int maxPerHost;
  private final HttpClient http1;
  private final HttpClient http2;
  private final WebClient web1;
  private final WebClient web2;
  private final Map<SslKey, ClientSSLOptions> ssl = new HashMap<>();

  public HttpClients(Vertx vertx, int maxPerHost) {
    if (maxPerHost < 1) {
      throw new IllegalArgumentException("connections per host must be >= 1, got " + maxPerHost);
    }
    this.vertx = vertx;
    this.maxPerHost = maxPerHost;
    // Made now, not on first use: building a client loads many classes, which would hold the
    // loop for a few hundred milliseconds inside the first request's timeout.
    this.http1 = create(HttpVersion.HTTP_1_1);
    this.http2 = create(HttpVersion.HTTP_2);
    this.web1 = wrap(http1);
    this.web2 = wrap(http2);
  }

  /**
   * A WebClient over {@code client}, sharing its options and pool. It names itself "cronloop" and
   * follows no redirect: an {@link Exchange} follows them, each request with its own limit.
   */
  private static WebClient wrap(HttpClient client) {
    WebClient web =
        WebClient.wrap(
            client, new WebClientOptions().setUserAgent("cronloop").setFollowRedirects(false));
    web.addInterceptor(Exchange::intercept);
    return web;
  }

  /** The client for {@code protocol}; AUTO offers HTTP/2 over TLS and speaks HTTP/1.1 in clear. */
  WebClient web(Protocol protocol, boolean https) {
    return speaksH2(protocol, https) ? web2 : web1;
  }

  static boolean speaksH2(Protocol protocol, boolean https) {
    return protocol == Protocol.HTTP_2 || (protocol == Protocol.AUTO && https);
  }

  /** The TLS options for {@code tls} on an HTTP/1.1 or HTTP/2 client, made once each. */
  ClientSSLOptions ssl(Tls tls, boolean h2) {
    return ssl.computeIfAbsent(new SslKey(tls, h2), HttpClients::sslOptions);
  }

  private record SslKey(Tls tls, boolean h2) {}

  private static ClientSSLOptions sslOptions(SslKey key) {
    ClientSSLOptions o = new ClientSSLOptions();
    if (key.h2()) {
      o.setUseAlpn(true).setApplicationLayerProtocols(List.of("h2", "http/1.1"));
    }
    if (key.tls().insecure()) {
      return o.setTrustAll(true).setHostnameVerificationAlgorithm("");
    }
    o.setHostnameVerificationAlgorithm(VERIFY_HOST);
    if (key.tls().caPem() != null) {
      o.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(key.tls().caPem())));
    }
    return o;
  }

  private HttpClient create(HttpVersion version) {
    HttpClientOptions o =
        new HttpClientOptions()
            .setName("cronloop-" + (version == HttpVersion.HTTP_2 ? "h2" : "h1"))
            .setProtocolVersion(version)
            .setKeepAlive(true)
            .setVerifyHost(true);
    if (version == HttpVersion.HTTP_2) {
      o.setUseAlpn(true).setHttp2ClearTextUpgrade(false);
    }
    PoolOptions pool =
        new PoolOptions()
            .setHttp1MaxSize(maxPerHost)
            .setHttp2MaxSize(Math.max(1, Math.min(maxPerHost, 8)));
    return vertx.httpClientBuilder().with(o).with(pool).build();
  }

  /** Closes every client made. */
  public Future<Void> close() {
    return Future.join(http1.close(), http2.close()).mapEmpty();
  }
}
