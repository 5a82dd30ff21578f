package dev.cronloop.fetch;

import dev.cronloop.model.Outcome;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Turns the error of a failed request into an {@link Outcome} and a short reason. Pure: it looks
 * only at the exception chain. The reasons tell apart what an operator fixes differently:
 * {@code cannot resolve host h} (DNS_ERROR), {@code connection refused}, {@code connection reset},
 * {@code connection closed before the response ended}, {@code connect timeout} (CONNECT_ERROR),
 * {@code TLS: certificate not trusted}, {@code TLS: certificate does not match the host name}
 * (TLS_ERROR). Response timeouts are the fetcher's own timer, not an exception.
 */
final class Classifier {
  private Classifier() {}

  static Verdict of(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      String name = t.getClass().getSimpleName();
      String message = t.getMessage() == null ? "" : t.getMessage();
      String lower = message.toLowerCase(Locale.ROOT);
      if (t instanceof UnknownHostException
          || name.contains("DnsNameResolver")
          || name.equals("SearchDomainUnknownHostException")) {
        return new Verdict(Outcome.DNS_ERROR, "cannot resolve host " + host(message));
      }
      if (t instanceof SSLException || name.contains("Ssl") || name.contains("SSL")) {
        return new Verdict(Outcome.TLS_ERROR, "TLS: " + tls(t, lower));
      }
      if (name.equals("ConnectTimeoutException")) {
        return new Verdict(Outcome.CONNECT_ERROR, "connect timeout");
      }
      if (lower.contains("getting a connection")) {
        // Vert.x 5 times the whole getting of a connection: a wait for a free one of the host's
        // pool, or a TCP connect that does not finish. Both read as a connect timeout.
        return new Verdict(Outcome.CONNECT_ERROR, "connect timeout");
      }
      if (t instanceof TimeoutException || name.contains("Timeout")) {
        return new Verdict(Outcome.TIMEOUT, "no response within the timeout");
      }
      if (lower.contains("network is unreachable") || lower.contains("no route to host")) {
        return new Verdict(Outcome.CONNECT_ERROR, "no route to host");
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return new Verdict(
            Outcome.CONNECT_ERROR, lower.contains("refused") ? "connection refused" : brief(message));
      }
      if (lower.contains("reset")) {
        return new Verdict(Outcome.CONNECT_ERROR, "connection reset");
      }
      if (t instanceof ClosedChannelException
          || name.equals("HttpClosedException")
          || name.equals("StreamResetException")
          || lower.contains("connection was closed")) {
        return new Verdict(Outcome.CONNECT_ERROR, "connection closed before the response ended");
      }
      if (name.contains("TooLong") && lower.contains("header")) {
        // a header bomb: Netty stops reading at its header limit instead of growing the heap
        return new Verdict(Outcome.HTTP_ERROR, "invalid HTTP response: headers too large");
      }
      if (lower.startsWith("invalid version format")) {
        // the first line is not "HTTP/x.y ...": a server of another protocol (SSH, SMTP, ...).
        // Its text is not echoed: the reason says what to fix without repeating what it sent.
        return new Verdict(Outcome.HTTP_ERROR, "invalid HTTP response: the server does not speak HTTP");
      }
      if (name.contains("TooLongFrame") || name.contains("DecoderException")) {
        return new Verdict(Outcome.HTTP_ERROR, "invalid HTTP response: " + brief(message));
      }
    }
    return new Verdict(Outcome.HTTP_ERROR, brief(error.toString()));
  }

  /** A short TLS reason: the cause people act on, not the whole PKIX story. */
  private static String tls(Throwable t, String lower) {
    String all = lower;
    for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
      all += " " + (c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT));
    }
    if (all.contains("no subject alternative") || all.contains("hostname")) {
      return "certificate does not match the host name";
    }
    if (all.contains("expired") || all.contains("notafter")) {
      return "certificate expired";
    }
    if (all.contains("pkix") || all.contains("certification path") || all.contains("unknown_ca")) {
      return "certificate not trusted (unknown issuer)";
    }
    if (all.contains("handshake timed out")) {
      return "handshake timed out";
    }
    if (all.contains("not an ssl/tls record")) {
      return "the server does not speak TLS on this port";
    }
    return brief(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
  }

  /** The host an unresolved-host message names: quoted by Netty's resolver, else first. */
  private static String host(String message) {
    int open = message.indexOf('\'');
    int close = open < 0 ? -1 : message.indexOf('\'', open + 1);
    return close > open ? message.substring(open + 1, close) : firstWord(message);
  }

  private static String firstWord(String message) {
    int space = message.indexOf(' ');
    int colon = message.indexOf(':');
    int end = space < 0 ? message.length() : space;
    if (colon > 0 && colon < end) {
      end = colon;
    }
    return message.substring(0, end);
  }

  private static String brief(String message) {
    return message.length() <= 200 ? message : message.substring(0, 200);
  }
}
