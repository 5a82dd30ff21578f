package dev.cronloop.fetch;

import dev.cronloop.record.Outcome;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Turns the error of a failed request into an {@link Outcome} and a short reason. Pure: it looks
 * only at the exception chain.
 */
final class Classifier {
  private Classifier() {}

  static Verdict of(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      String name = t.getClass().getSimpleName();
      String message = t.getMessage() == null ? "" : t.getMessage();
      String lower = message.toLowerCase(Locale.ROOT);
      if (t instanceof UnknownHostException || name.contains("DnsNameResolver")) {
        return new Verdict(Outcome.DNS_ERROR, "cannot resolve host " + firstWord(message));
      }
      if (t instanceof SSLException || name.contains("Ssl")) {
        return new Verdict(Outcome.TLS_ERROR, "TLS: " + brief(message));
      }
      if (name.equals("ConnectTimeoutException")) {
        return new Verdict(Outcome.CONNECT_ERROR, "connect timeout");
      }
      if (t instanceof TimeoutException || name.contains("Timeout")) {
        return new Verdict(Outcome.TIMEOUT, "no response within the timeout");
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return new Verdict(Outcome.CONNECT_ERROR, lower.contains("refused") ? "connection refused" : brief(message));
      }
      if (lower.contains("reset")) {
        return new Verdict(Outcome.CONNECT_ERROR, "connection reset");
      }
      if (t instanceof ClosedChannelException
          || name.equals("HttpClosedException")
          || lower.contains("connection was closed")) {
        return new Verdict(Outcome.CONNECT_ERROR, "connection closed before the response ended");
      }
      if (name.contains("TooLongFrame") || name.contains("DecoderException")) {
        return new Verdict(Outcome.HTTP_ERROR, "invalid HTTP response: " + brief(message));
      }
    }
    return new Verdict(Outcome.HTTP_ERROR, brief(error.toString()));
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
