package dev.cronloop.definition;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP request of a job, with the job's defaults already applied. {@link #toString()} shows the
 * URL as written, so a substituted {@code ${VAR}} never reaches a log.
 *
 * @param method upper-case HTTP method
 * @param url absolute http or https URL with its query, after {@code ${VAR}} substitution
 * @param headers header name to value; values may hold secrets
 * @param body request body, or null
 * @param timeout total time allowed for one attempt, from connecting to the body's last byte
 * @param expect checks on the response
 * @param urlAsWritten the URL and query as the job file writes them, before substitution; for
 *     display and for {@code fetches.url}
 * @param connectTimeout time allowed to get a connection (never more than {@code timeout})
 * @param maxRedirects redirects followed at most; 0 to not follow any
 * @param auth credentials for the Authorization header, or null
 * @param tls how the server's certificate is checked
 * @param maxBodyBytes the largest body read; a longer one ends the fetch as BODY_TOO_LARGE
 * @param protocol the HTTP version to speak
 * @param capture whether the first bytes of the response body are kept with the fetch
 */
public record RequestSpec(
    String method,
    String url,
    Map<String, Secret> headers,
    Secret body,
    Duration timeout,
    Expect expect,
    String urlAsWritten,
    Duration connectTimeout,
    int maxRedirects,
    Auth auth,
    Tls tls,
    long maxBodyBytes,
    Protocol protocol,
    Capture capture) {

  /** Time to get a connection, when neither the request nor the job says. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  public static final int DEFAULT_MAX_REDIRECTS = 5;

  /** 1 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 1L << 20;

  /**
   * The longest URL a job file may write, as written (before substitution, with its query): the
   * width of {@code fetches.url}, where every fetch's URL is recorded.
   */
  public static final int MAX_URL_CHARS = 4096;

  public RequestSpec {
    headers = Map.copyOf(headers);
    if (urlAsWritten == null) {
      urlAsWritten = url;
    }
    if (connectTimeout == null || connectTimeout.compareTo(timeout) > 0) {
      connectTimeout = connectTimeout == null && timeout.compareTo(DEFAULT_CONNECT_TIMEOUT) > 0
          ? DEFAULT_CONNECT_TIMEOUT
          : timeout;
    }
    if (tls == null) {
      tls = Tls.DEFAULT;
    }
    if (protocol == null) {
      protocol = Protocol.AUTO;
    }
    if (capture == null) {
      capture = Capture.NEVER;
    }
  }

  /** A request with every transport setting at its default. */
  public RequestSpec(
      String method,
      String url,
      Map<String, Secret> headers,
      Secret body,
      Duration timeout,
      Expect expect,
      String urlAsWritten) {
    this(method, url, headers, body, timeout, expect, urlAsWritten, null, DEFAULT_MAX_REDIRECTS,
        null, Tls.DEFAULT, DEFAULT_MAX_BODY_BYTES, Protocol.AUTO, Capture.NEVER);
  }

  /** A request whose URL holds no substituted value. */
  public RequestSpec(
      String method,
      String url,
      Map<String, Secret> headers,
      Secret body,
      Duration timeout,
      Expect expect) {
    this(method, url, headers, body, timeout, expect, url);
  }

  @Override
  public String toString() {
    return "RequestSpec[method="
        + method
        + ", url="
        + urlAsWritten
        + ", headers="
        + new TreeMap<>(headers)
        + ", body="
        + (body == null ? "null" : body)
        + ", timeout="
        + timeout
        + ", expect="
        + expect
        + ", connectTimeout="
        + connectTimeout
        + ", maxRedirects="
        + maxRedirects
        + ", auth="
        + auth
        + ", tls="
        + tls
        + ", maxBodyBytes="
        + maxBodyBytes
        + ", protocol="
        + protocol
        + ", capture="
        + capture
        + "]";
  }
}
