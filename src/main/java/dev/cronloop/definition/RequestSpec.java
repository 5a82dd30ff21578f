package dev.cronloop.definition;

import java.time.Duration;
import java.util.Map;

/**
 * One HTTP request of a job, with the job's defaults already applied.
 *
 * @param method upper-case HTTP method
 * @param url absolute http or https URL, after {@code ${VAR}} substitution
 * @param headers header name to value; values may hold secrets
 * @param body request body, or null
 * @param timeout total time allowed for the request
 * @param expect checks on the response
 */
public record RequestSpec(
    String method,
    String url,
    Map<String, Secret> headers,
    Secret body,
    Duration timeout,
    Expect expect) {

  public RequestSpec {
    headers = Map.copyOf(headers);
  }
}
