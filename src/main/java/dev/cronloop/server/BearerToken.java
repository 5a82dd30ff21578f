package dev.cronloop.server;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Guards the mutating calls: with a token configured, a request goes on only with {@code
 * Authorization: Bearer <token>}, compared in constant time; otherwise it is answered 401.
 */
final class BearerToken implements Handler<RoutingContext> {
  private final byte[] token;

  /** @param token the token as bytes, or null when none is configured (every request goes on) */
  BearerToken(byte[] token) {
    this.token = token;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (token == null) {
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    byte[] given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8)
        : new byte[0];
    if (MessageDigest.isEqual(given, token)) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"cronloop\"");
    ApiSupport.error(ctx, 401, header == null
        ? "this call needs Authorization: Bearer <token>"
        : "the bearer token does not match");
  }
}
