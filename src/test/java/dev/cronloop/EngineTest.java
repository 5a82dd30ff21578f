package dev.cronloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.bridge.TriggerLayer;
import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import dev.cronloop.model.RunResult;
import dev.cronloop.model.RunStatus;
import dev.cronloop.record.Database;
import dev.cronloop.record.RunQueries;
import dev.cronloop.record.RunRow;
import dev.cronloop.testkit.EngineInvariants;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LoopbackServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.listeners.JobListenerSupport;

/** The whole path of a fire in one JVM: job files, Quartz, the hand-off, WebClient, H2. */
@Timeout(120)
class EngineTest {
  @RegisterExtension final EngineInvariants invariants = new EngineInvariants();
  @TempDir Path dir;
  private LoopbackServer server;
  private Engine engine;
  private final Set<String> fetchThreads = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void startServer() throws Exception {
    server = LoopbackServer.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (engine != null) {
      engine.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    server.close();
  }

  @Test
  void every_request_runs_on_the_engine_loop_and_in_flight_stays_under_concurrency() throws Exception {
    JobFiles.urls(jobs(), "many.txt", server.url("/delay/20/"), 300);
    JobFiles.write(jobs(), "many.yaml", """
        schedule: "0 0 0 1 1 ? 2099"
        concurrency: 12
        urlsFrom: many.txt
        """);
    start(false);

    RunResult result = fire("many");

    assertThat(result.status()).isEqualTo(RunStatus.OK);
    assertThat(result.ok()).isEqualTo(300);
    assertThat(server.received()).isEqualTo(300);
    assertThat(server.peakInFlight()).isBetween(2, 12);
    assertThat(fetchThreads).hasSize(1);
    assertThat(fetchThreads.iterator().next()).startsWith("vert.x-eventloop-thread-");
    try (Database db = Database.open(dbUrl(), 1)) {
      RunQueries q = new RunQueries(db.dataSource());
      assertThat(q.fetchCount(result.runId())).isEqualTo(300);
      RunRow run = q.run(result.runId()).orElseThrow();
      assertThat(run.status()).isEqualTo(RunStatus.OK);
      assertThat(run.requestsOk()).isEqualTo(300);
      assertThat(run.startedAt()).isNotNull();
      assertThat(run.finishedAt()).isAfterOrEqualTo(run.startedAt());
    }
  }

  @Test
  void dead_targets_get_their_outcome_and_the_other_requests_go_on() throws Exception {
    JobFiles.write(jobs(), "mixed.yaml", """
        schedule: "0 0 0 1 1 ? 2099"
        timeout: 2s
        requests:
          - %s
          - http://127.0.0.1:1/refused
          - %s
          - %s
          - %s
          - %s
        """.formatted(
            server.url("/ok"),
            server.url("/hang/1"),
            server.url("/status/503"),
            server.url("/reset/1"),
            server.url("/ok/again")));
    start(false);

    RunResult result = fire("mixed");

    assertThat(result.status()).isEqualTo(RunStatus.PARTIAL);
    Map<String, FetchRow> byUrl;
    try (Database db = Database.open(dbUrl(), 1)) {
      byUrl = new RunQueries(db.dataSource()).fetches(result.runId()).stream()
          .collect(Collectors.toMap(FetchRow::url, f -> f));
    }
    assertThat(byUrl).hasSize(6);
    assertThat(byUrl.get(server.url("/ok")).outcome()).isEqualTo(Outcome.OK);
    assertThat(byUrl.get(server.url("/ok/again")).outcome()).isEqualTo(Outcome.OK);
    assertThat(byUrl.get("http://127.0.0.1:1/refused").outcome()).isEqualTo(Outcome.CONNECT_ERROR);
    assertThat(byUrl.get("http://127.0.0.1:1/refused").error()).isEqualTo("connection refused");
    assertThat(byUrl.get(server.url("/hang/1")).outcome()).isEqualTo(Outcome.TIMEOUT);
    assertThat(byUrl.get(server.url("/status/503")).outcome()).isEqualTo(Outcome.HTTP_ERROR);
    assertThat(byUrl.get(server.url("/status/503")).error()).isEqualTo("status 503 not in 200-299");
    assertThat(byUrl.get(server.url("/status/503")).statusCode()).isEqualTo(503);
    assertThat(byUrl.get(server.url("/reset/1")).outcome()).isEqualTo(Outcome.CONNECT_ERROR);
  }

  @Test
  void the_quartz_thread_hands_the_fire_over_and_returns_without_waiting_for_the_run() throws Exception {
    JobFiles.write(jobs(), "tick.yaml", """
        schedule: "* * * * * ?"
        requests:
          - %s
        """.formatted(server.url("/delay/700/tick")));
    ConcurrentLinkedQueue<long[]> executions = new ConcurrentLinkedQueue<>();
    ConcurrentHashMap<Long, Long> began = new ConcurrentHashMap<>();
    start(true);
    engine.quartz().getListenerManager().addJobListener(new JobListenerSupport() {
      @Override
      public String getName() {
        return "returned";
      }

      @Override
      public void jobToBeExecuted(JobExecutionContext q) {
        began.put(q.getScheduledFireTime().getTime(), System.nanoTime());
      }

      @Override
      public void jobWasExecuted(JobExecutionContext q, JobExecutionException e) {
        long fired = q.getScheduledFireTime().getTime();
        // Quartz fires ahead of the instant the fire stands for
        long instant = fired + TriggerLayer.HANDOFF_LEAD.toMillis();
        Long start = began.get(fired); // absent for a fire already executing when the listener was added
        if (start != null) {
          executions.add(new long[] {instant, start, System.nanoTime()});
        }
      }
    });

    await().atMost(Duration.ofSeconds(10)).until(() -> executions.size() >= 3);
    long lastInstant = executions.stream().mapToLong(f -> f[0]).max().orElseThrow();
    await().atMost(Duration.ofSeconds(5))
        .until(() -> server.arrivals().stream().anyMatch(a -> a.epochMillis() >= lastInstant));

    List<LoopbackServer.Arrival> arrivals = server.arrivals();
    for (long[] fire : executions) {
      LoopbackServer.Arrival first = arrivals.stream()
          .filter(a -> a.epochMillis() >= fire[0] && a.epochMillis() < fire[0] + 1000)
          .findFirst()
          .orElseThrow(() -> new AssertionError("no request for the fire at " + fire[0]));
      // The target answers 700 ms after the request arrives: a thread that waited for the run
      // could not be back before then. (How long execute() takes is a figure for a benchmark, not
      // a bound to assert on a shared machine.)
      assertThat(fire[2]).as("Quartz execute() returned before the target answered")
          .isLessThan(first.nanoTime() + TimeUnit.MILLISECONDS.toNanos(700));
    }
    assertThat(fetchThreads).hasSize(1).allMatch(t -> t.startsWith("vert.x-eventloop-thread-"));
  }

  @Test
  void scheduled_runs_start_at_their_instant_and_not_before_it() throws Exception {
    JobFiles.write(jobs(), "tick.yaml", """
        schedule: "* * * * * ?"
        requests:
          - %s
        """.formatted(server.url("/delay/5/on-time")));
    start(true);

    await().atMost(Duration.ofSeconds(10)).until(() -> finishedRuns("tick").size() >= 3);

    List<LoopbackServer.Arrival> arrivals = server.arrivals();
    for (RunRow run : finishedRuns("tick")) {
      // Quartz hands the fire over 250 ms ahead; the engine fires and starts it at the instant.
      assertThat(run.firedAt()).as("fired_at").isAfterOrEqualTo(run.scheduledAt());
      assertThat(run.startedAt()).as("started_at").isAfterOrEqualTo(run.firedAt())
          .isBefore(run.scheduledAt().plusMillis(250));
      long instant = run.scheduledAt().toEpochMilli();
      assertThat(arrivals).as("the request of the fire at %s", run.scheduledAt())
          .anyMatch(a -> a.epochMillis() >= instant && a.epochMillis() < instant + 1000)
          .noneMatch(a -> a.epochMillis() >= instant - TriggerLayer.HANDOFF_LEAD.toMillis() && a.epochMillis() < instant);
    }
  }

  private List<RunRow> finishedRuns(String job) throws Exception {
    try (Database db = Database.open(dbUrl(), 1)) {
      return new RunQueries(db.dataSource()).runs(job, null, null, 100).stream()
          .filter(r -> r.status() == RunStatus.OK).toList();
    }
  }

  @Test
  void a_bad_job_file_is_reported_with_its_place_and_the_good_jobs_still_fire() throws Exception {
    invariants.expectWarn("bad.yaml:"); // the catalog logs each problem of the bad file
    JobFiles.write(jobs(), "bad.yaml", """
        schedule: "*/70 * * * * ?"
        timout: 5s
        requests:
          - not a url
        """);
    JobFiles.write(jobs(), "good.yaml", """
        schedule: "* * * * * ?"
        requests:
          - %s
        """.formatted(server.url("/good")));

    start(true);

    assertThat(engine.catalog().jobs()).extracting(j -> j.id()).containsExactly("good");
    assertThat(engine.catalog().problems()).extracting(Object::toString)
        .anySatisfy(p -> assertThat(p).matches(".*bad\\.yaml:1:\\d+: schedule .*seconds.*70.*"))
        .anySatisfy(p -> assertThat(p).matches(".*bad\\.yaml:2:1: unknown key \"timout\".*"))
        .anySatisfy(p -> assertThat(p).matches(".*bad\\.yaml:4:\\d+: .*not a url.*"));
    await().atMost(Duration.ofSeconds(5)).until(() -> server.received() >= 2);
  }

  private RunResult fire(String job) throws Exception {
    return engine.fire(job).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private void start(boolean schedule) throws Exception {
    engine = invariants.watch(Engine.builder()
        .jobs(jobs())
        .database(dbUrl())
        .schedule(schedule)
        .listener(new RunListener() {
          @Override
          public void fetchStarting(long runId, String jobId, String url) {
            fetchThreads.add(Thread.currentThread().getName());
          }
        })
        .build());
    engine.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private Path jobs() {
    return dir.resolve("jobs");
  }

  private String dbUrl() {
    return "jdbc:h2:file:" + dir.resolve("db/cronloop");
  }
}
