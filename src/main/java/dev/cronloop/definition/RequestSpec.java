package dev.cronloop.definition;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP request of a job, with the job's defaults already applied. {@link #toString()} shows the
 * URL as written, so a substituted {@code ${VAR}} never reaches a log.
 *
 * @param method upper-case HTTP method
 * @param url absolute http or https URL, after {@code ${VAR}} substitution
 * @param headers header name to value; values may hold secrets
 * @param body request body, or null
 * @param timeout total time allowed for the request
 * @param expect checks on the response
 * @param urlAsWritten the URL as the job file writes it, before substitution; for display
 */
public record RequestSpec(
    String method,
    String url,
    Map<String, Secret> headers,
    Secret body,
    Duration timeout,
    Expect expect,
    String urlAsWritten) {

  public RequestSpec {
    headers = Map.copyOf(headers);
    if (urlAsWritten == null) {
      urlAsWritten = url;
    }
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
        + "]";
  }
}
