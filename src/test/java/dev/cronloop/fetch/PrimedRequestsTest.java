package dev.cronloop.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.definition.JobDefinition;
import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import dev.cronloop.testkit.LoopbackServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests primed ahead of their instant, against a real loopback server that notes each
 * connection and each request: primed, a request holds a connection but is not written; released,
 * it goes on that connection; not taken, or broken while it waits, it gives way without a trace.
 * The client keeps one connection per host, so a connection held or lost shows.
 */
@Timeout(60)
class PrimedRequestsTest {
  @TempDir Path dir;
  private LoopbackServer server;
  private Fetching fetching;
  private Fetcher fetcher;

  @BeforeEach
  void start() throws Exception {
    server = LoopbackServer.start();
    fetching = new Fetching(dir, 1);
    fetcher = fetching.fetcher;
  }

  @AfterEach
  void stop() throws Exception {
    fetching.close();
    server.close();
  }

  @Test
  void a_primed_request_holds_its_connection_and_is_written_only_when_its_run_asks() throws Exception {
    JobDefinition job = job(server.url("/ok"));
    onLoop(() -> {
      return fetcher.prime(job.requests().get(0), Instant.now().plusSeconds(30));
    });

    await().atMost(Duration.ofSeconds(5)).until(() -> onLoop(fetcher::primedReady) == 1 && server.connections().size() == 1);
    await().during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(2)).until(() -> server.received() == 0);

    long asked = System.currentTimeMillis();
    FetchRow row = fetch(job);
    long took = System.currentTimeMillis() - asked;

    assertThat(row.outcome()).isEqualTo(Outcome.OK);
    assertThat(server.received()).isEqualTo(1);
    assertThat(server.arrivals().get(0).epochMillis()).as("written at the release, not before").isGreaterThanOrEqualTo(asked);
    assertThat(server.connections()).as("the primed connection carried it").hasSize(1);
    assertThat(row.latencyMs()).as("latency counted from the release, not the priming").isLessThanOrEqualTo(took);
    assertThat(onLoop(fetcher::primedReady)).isZero();
  }

  @Test
  void a_primed_request_no_run_takes_is_reset_unsent_and_its_connection_goes_back() throws Exception {
    JobDefinition job = job(server.url("/ok"));
    onLoop(() -> {
      fetcher.prime(job.requests().get(0), Instant.now()); // unused a second from now
      return null;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> server.connections().size() == 1);

    await().atMost(Duration.ofSeconds(5)).until(() -> onLoop(fetcher::primedReady) == 0);
    FetchRow row = fetch(job);

    assertThat(row.outcome()).isEqualTo(Outcome.OK);
    assertThat(server.received()).as("the reset request was never written").isEqualTo(1);
    assertThat(server.connections()).as("one connection per host: the reset gave it back").hasSize(1);
  }

  @Test
  void a_primed_request_whose_connection_the_server_closed_gives_way_to_a_fresh_attempt() throws Exception {
    JobDefinition job = job(server.url("/ok"));
    onLoop(() -> {
      fetcher.prime(job.requests().get(0), Instant.now().plusSeconds(30));
      return null;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> onLoop(fetcher::primedReady) == 1);

    server.closeConnections(); // a keep-alive running out while the request waits
    await().atMost(Duration.ofSeconds(5)).until(() -> onLoop(fetcher::primedReady) == 0);
    FetchRow row = fetch(job);

    assertThat(row.outcome()).isEqualTo(Outcome.OK);
    assertThat(row.attempts()).isEqualTo(1);
    assertThat(server.received()).isEqualTo(1);
    assertThat(server.connections()).hasSize(2);
  }

  @Test
  void a_primed_request_that_found_no_server_gives_way_to_a_fresh_attempt() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    JobDefinition job = job("http://127.0.0.1:" + port + "/ok");
    onLoop(() -> {
      fetcher.prime(job.requests().get(0), Instant.now().plusSeconds(30));
      return null;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> onLoop(fetcher::primedReady) == 0); // refused

    Vertx other = Vertx.vertx();
    try {
      HttpServer late = other.createHttpServer().requestHandler(r -> r.response().end("ok"));
      late.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      FetchRow row = fetch(job);

      assertThat(row.outcome()).as("the refusal before the instant is not the run's").isEqualTo(Outcome.OK);
    } finally {
      other.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void a_request_over_http2_is_not_primed() throws Exception {
    JobDefinition job = job(server.url("/ok"), "http: \"2\"\n");

    boolean primed = onLoop(() -> fetcher.prime(job.requests().get(0), Instant.now().plusSeconds(30)));

    assertThat(primed).isFalse();
    assertThat(onLoop(fetcher::primedCount)).isZero();
  }

  private JobDefinition job(String url) throws Exception {
    return job(url, "");
  }

  private JobDefinition job(String url, String more) throws Exception {
    return fetching.job(more + "requests: [" + url + "]\n");
  }

  private FetchRow fetch(JobDefinition job) throws Exception {
    return fetching.fetch(job);
  }

  private <T> T onLoop(Supplier<T> task) throws Exception {
    return fetching.onLoop(task);
  }
}
