package dev.cronloop.cli;

import dev.cronloop.StartupFailure;
import dev.cronloop.definition.Spelling;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A running engine's HTTP API (DESIGN.md, "HTTP API") as the command line drives it. Every
 * failure becomes one line that names the engine's address and the fix: not reachable, a token
 * missing or refused (401), a job it does not know (with the ids nearest to the one typed), or
 * any other error the API answered.
 *
 * <p>Runs on: the command's main thread; blocking.
 */
final class EngineApi {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** A pause waits for the database's commit; the engine answers 503 itself when that fails. */
  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

  private final URI base;
  private final String token;
  private final String tokenSource;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

  /** One answer: its HTTP status and JSON body. */
  record Answer(int status, JsonObject body) {
    String error() {
      return body.getString("error", "HTTP " + status);
    }
  }

  /**
   * @param token the bearer token sent with every call, or null
   * @param tokenSource where the token came from, as an error should name it; null without one
   */
  EngineApi(URI base, String token, String tokenSource) {
    this.base = base;
    this.token = token;
    this.tokenSource = tokenSource;
  }

  String address() {
    return base.toString();
  }

  /** {@code GET /api/jobs}. */
  JsonObject jobs() throws InterruptedException {
    Answer a = send("GET", "/api/jobs");
    return ok(a, "GET /api/jobs").body();
  }

  /** {@code GET /api/jobs/{id}}; an unknown job fails naming the nearest ids. */
  JsonObject job(String id) throws InterruptedException {
    Answer a = send("GET", "/api/jobs/" + segment(id));
    if (a.status() == 404) {
      throw unknownJob(id, a);
    }
    return ok(a, "GET /api/jobs/" + id).body();
  }

  /** {@code GET /api/runs/{id}} with its fetches; empty while the engine has not recorded it yet. */
  Optional<JsonObject> run(long id) throws InterruptedException {
    Answer a = send("GET", "/api/runs/" + id);
    return a.status() == 404 ? Optional.empty() : Optional.of(ok(a, "GET /api/runs/" + id).body());
  }

  /**
   * {@code POST /api/jobs/{id}/ACTION}: the answer when it is 2xx or 409 (a pause or resume that
   * changes nothing); 401, 404 and other errors fail with their line.
   */
  Answer post(String id, String action) throws InterruptedException {
    Answer a = send("POST", "/api/jobs/" + segment(id) + "/" + action);
    if (a.status() == 404) {
      throw unknownJob(id, a);
    }
    return a.status() == 409 ? a : ok(a, "POST /api/jobs/" + id + "/" + action);
  }

  private Answer ok(Answer a, String call) {
    if (a.status() == 401) {
      throw unauthorized(a);
    }
    if (a.status() < 200 || a.status() > 299) {
      throw new StartupFailure("the engine at " + base + " answered " + a.status() + " to " + call
          + ": " + a.error() + (a.status() == 503 ? "; check its log, then try again" : ""),
          StartupFailure.RUNTIME);
    }
    return a;
  }

  private StartupFailure unauthorized(Answer a) {
    if (token == null) {
      return new StartupFailure("the engine at " + base + " needs a token for this (401: "
          + a.error() + "); pass --token-file FILE with the token cronloop run was given, or set "
          + TokenFile.ENV, StartupFailure.USAGE);
    }
    return new StartupFailure("the engine at " + base + " refused the token from " + tokenSource
        + " (401: " + a.error() + "); use the token cronloop run was started with",
        StartupFailure.RUNTIME);
  }

  /** No job {@code id}: names the known ids nearest to it, or a few known ones. */
  private StartupFailure unknownJob(String id, Answer answer) throws InterruptedException {
    if ("invalid".equals(answer.body().getString("state"))) {
      JsonArray problems = answer.body().getJsonArray("problems", new JsonArray());
      String first = problems.isEmpty() ? "" : "; " + problems.getJsonObject(0).getString("text");
      return new StartupFailure("job \"" + id + "\" does not load on the engine at " + base + first
          + "; fix its file (cronloop validate lists every problem)", StartupFailure.USAGE);
    }
    List<String> known = new ArrayList<>();
    send("GET", "/api/jobs").body().getJsonArray("jobs", new JsonArray())
        .forEach(j -> known.add(((JsonObject) j).getString("id")));
    return new StartupFailure("no job \"" + id + "\" on the engine at " + base + nearest(id, known, base),
        StartupFailure.USAGE);
  }

  /** "; did you mean a or b?" for the ids a typo away, else "; known jobs: ..." (at most 10). */
  static String nearest(String id, List<String> known, URI base) {
    if (known.isEmpty()) {
      return "; it has no jobs";
    }
    int allowed = Math.max(2, id.length() / 3);
    List<String> near = known.stream()
        .filter(k -> Spelling.distance(id, k) <= allowed || k.contains(id) || id.contains(k))
        .sorted(Comparator.comparingInt((String k) -> Spelling.distance(id, k)).thenComparing(k -> k))
        .limit(3)
        .toList();
    if (!near.isEmpty()) {
      return "; did you mean " + String.join(" or ", near) + "?";
    }
    List<String> some = known.stream().sorted().limit(10).toList();
    return "; known jobs: " + String.join(", ", some)
        + (known.size() > some.size() ? " and " + (known.size() - some.size()) + " more" : "")
        + " (cronloop jobs --api " + base + " lists them)";
  }

  private Answer send(String method, String path) throws InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(ANSWER_TIMEOUT)
        .header("Accept", "application/json")
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r;
    try {
      r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpConnectTimeoutException e) {
      throw unreachable("no answer to connect within " + CONNECT_TIMEOUT.toSeconds() + "s", e);
    } catch (HttpTimeoutException e) {
      throw new StartupFailure("the engine at " + base + " did not answer " + method + " " + path
          + " within " + ANSWER_TIMEOUT.toSeconds() + "s; check its log, then try again",
          StartupFailure.RUNTIME, e);
    } catch (ConnectException e) {
      throw unreachable(e.getCause() instanceof UnresolvedAddressException
          ? "unknown host " + base.getHost() : "connection refused", e);
    } catch (IOException e) {
      throw unreachable(String.valueOf(e.getMessage()), e);
    }
    try {
      return new Answer(r.statusCode(), new JsonObject(r.body()));
    } catch (DecodeException | ClassCastException e) {
      throw new StartupFailure(base + " answered " + method + " " + path + " with "
          + r.statusCode() + " and a body that is not cronloop's JSON; is --api the address"
          + " cronloop run serves (its --http, plus the path it is mounted under)?",
          StartupFailure.RUNTIME, e);
    }
  }

  private StartupFailure unreachable(String why, Exception cause) {
    return new StartupFailure("engine not reachable at " + base + " (" + why + "); start it with"
        + " cronloop run, or pass --api with the address it serves", StartupFailure.RUNTIME, cause);
  }

  /** A job id as one path segment. */
  private static String segment(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
