package dev.cronloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.definition.Overlap;
import dev.cronloop.model.FetchRow;
import dev.cronloop.model.RunResult;
import dev.cronloop.model.RunStatus;
import dev.cronloop.model.Trigger;
import dev.cronloop.record.Database;
import dev.cronloop.record.RunQueries;
import dev.cronloop.record.RunRow;
import dev.cronloop.testkit.EngineInvariants;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LoopbackServer;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 18, "lanes": the runs of one instant are spread over the engine's event loops, each job on
 * the one lane its id hashes to. The engine side is observed, not the target: a {@link RunListener}
 * notes the thread of every callback, and the rows say whether a job's runs ever overlapped.
 */
@Timeout(90)
class LanesTest {
  private static final int NOISE_JOBS = 16;
  private static final String QUEUED_FULL = "overlap: queue; another fire was already waiting";

  @RegisterExtension final EngineInvariants invariants = new EngineInvariants();
  @TempDir Path dir;
  private LoopbackServer server;
  private Engine engine;
  /** job → threads its callbacks ran on. */
  private final Map<String, Set<String>> threads = new ConcurrentHashMap<>();
  /** job and trigger → threads its runs started on. */
  private final Map<String, Set<String>> starts = new ConcurrentHashMap<>();
  private final Map<String, Integer> ended = new ConcurrentHashMap<>();

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

  @ParameterizedTest
  @EnumSource(value = Overlap.class, names = {"SKIP", "QUEUE", "REPLACE"})
  void a_job_whose_fires_come_fast_keeps_its_overlap_policy(Overlap overlap) throws Exception {
    noiseJobs();
    JobFiles.write(jobs(), "slow.yaml", """
        schedule: "* * * * * ?"
        overlap: %s
        requests:
          - %s
          - %s
        """.formatted(overlap.name().toLowerCase(Locale.ROOT), server.url("/delay/1500/slow-a"),
        server.url("/delay/1500/slow-b")));
    start();
    await().atMost(Duration.ofSeconds(10)).until(() -> starts.containsKey("slow/SCHEDULE"));

    List<RunResult> manual = fireAtOnce("slow", 12, 3);
    engine.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    engine = null;

    List<RunRow> runs = query(q -> q.runs("slow", null, null, 1_000));
    assertThat(manual).hasSize(12);
    assertThat(runs).extracting(RunRow::status).doesNotContain(RunStatus.RUNNING);
    assertNeverTwoAtOnce(runs);
    switch (overlap) {
      case SKIP -> assertThat(runs).filteredOn(r -> r.status() == RunStatus.SKIPPED)
          .extracting(RunRow::reason).hasSizeGreaterThanOrEqualTo(10)
          .containsOnly("overlap: skip; the previous run was still going");
      case QUEUE -> assertThat(runs).filteredOn(r -> r.status() == RunStatus.SKIPPED)
          .extracting(RunRow::reason).filteredOn(QUEUED_FULL::equals).hasSizeGreaterThanOrEqualTo(10);
      case REPLACE -> assertThat(runs).filteredOn(r -> r.status() == RunStatus.CANCELLED)
          .hasSizeGreaterThanOrEqualTo(11);
      default -> throw new AssertionError(overlap);
    }
    assertThat(threads.get("slow")).as("every callback of one job on its lane's one thread").hasSize(1);
  }

  @Test
  void by_default_the_runs_of_many_jobs_spread_over_both_event_loops_and_each_job_keeps_to_one() throws Exception {
    noiseJobs();
    start(b -> b); // no lanes(n): one lane per event loop

    Set<String> all = threadsOfNoiseRuns();
    assertThat(all).as("the engine's two event loops").hasSize(2)
        .allMatch(t -> t.startsWith("vert.x-eventloop-thread-"));
    assertThat(threads).allSatisfy((job, seen) -> assertThat(seen).as(job).hasSize(1));
  }

  @Test
  void one_connection_per_host_means_one_lane() throws Exception {
    noiseJobs();
    start(b -> b.maxConnectionsPerHost(1));

    Set<String> all = threadsOfNoiseRuns();
    assertThat(all).as("no more lanes than connections per host").hasSize(1);
  }

  @Test
  void one_lane_puts_every_run_on_one_event_loop() throws Exception {
    noiseJobs();
    start(b -> b.lanes(1));

    Set<String> all = threadsOfNoiseRuns();
    assertThat(all).hasSize(1);
  }

  @Test
  void a_manual_trigger_runs_on_the_lane_of_the_jobs_scheduled_fires() throws Exception {
    noiseJobs();
    start();
    await().atMost(Duration.ofSeconds(15)).until(() -> ended.size() == NOISE_JOBS);

    for (int j = 0; j < NOISE_JOBS; j++) {
      assertThat(fireAtOnce("noise-" + j, 2, 2)).hasSize(2);
    }

    for (int j = 0; j < NOISE_JOBS; j++) {
      String job = "noise-" + j;
      assertThat(starts.get(job + "/MANUAL")).as(job).hasSize(1).isEqualTo(starts.get(job + "/SCHEDULE"));
    }
  }

  /**
   * The one bound on requests in flight holds across lanes, and a slot freed on one lane goes to
   * a lane that waits for one: "tiny" (lane 1) runs while "big" (lane 0) keeps every slot of the
   * engine busy, instead of waiting for the big job's line to empty.
   */
  @Test
  void a_job_on_one_lane_gets_slots_while_a_big_job_on_another_holds_the_whole_limit() throws Exception {
    int urls = 1_000;
    int maxInFlight = 40;
    JobFiles.urls(jobs(), "big.txt", server.url("/delay/100/big/"), urls);
    JobFiles.write(jobs(), "big.yaml", """
        schedule: "0 0 0 1 1 ? 2099"
        concurrency: 1000
        timeout: 30s
        urlsFrom: big.txt
        """);
    JobFiles.write(jobs(), "tiny.yaml", """
        schedule: "0 0 0 1 1 ? 2099"
        requests:
          - %s
        """.formatted(server.url("/delay/5/tiny")));
    start(b -> b.lanes(2).maxInFlight(maxInFlight).schedule(false));
    var big = engine.fire("big").toCompletionStage().toCompletableFuture();
    await().atMost(Duration.ofSeconds(10)).until(() -> server.inFlight() >= maxInFlight - 2);

    for (int i = 0; i < 3; i++) {
      assertThat(engine.fire("tiny").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).status())
          .isEqualTo(RunStatus.OK);
    }
    int bigSentMeanwhile = server.received() - 3;

    assertThat(big.get(60, TimeUnit.SECONDS).ok()).isEqualTo(urls);
    assertThat(threads.get("big")).as("the two jobs on two lanes").doesNotContainAnyElementsOf(threads.get("tiny"));
    assertThat(bigSentMeanwhile).as("requests of the big job sent before the tiny job's three runs ended")
        .isLessThan(urls / 2);
    assertThat(server.peakInFlight()).isLessThanOrEqualTo(maxInFlight);
  }

  /**
   * Jobs firing every second with one quick URL each, enough that both lanes get some; a manual
   * fire of one always runs (overlap: allow), so its run's start is seen.
   */
  private void noiseJobs() throws Exception {
    for (int j = 0; j < NOISE_JOBS; j++) {
      JobFiles.write(jobs(), "noise-" + j + ".yaml", """
          schedule: "* * * * * ?"
          overlap: allow
          requests:
            - %s
          """.formatted(server.url("/delay/5/noise-" + j)));
    }
  }

  /** Fires {@code job} {@code n} times from {@code threadCount} threads released at once; waits for every run. */
  private List<RunResult> fireAtOnce(String job, int n, int threadCount) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threadCount);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<java.util.concurrent.Future<Future<RunResult>>> fired = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        fired.add(pool.submit(() -> {
          go.await();
          return engine.fire(job);
        }));
      }
      go.countDown();
      List<Future<RunResult>> results = new ArrayList<>();
      for (var f : fired) {
        results.add(f.get(10, TimeUnit.SECONDS));
      }
      Future.join(results).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return results.stream().map(Future::result).toList();
    } finally {
      pool.shutdownNow();
    }
  }

  /** The runs that ran (not SKIPPED), in order of start: each starts once the one before has ended. */
  private static void assertNeverTwoAtOnce(List<RunRow> runs) {
    List<RunRow> ran = runs.stream().filter(r -> r.status() != RunStatus.SKIPPED)
        .sorted(Comparator.comparing(RunRow::startedAt)).toList();
    assertThat(ran).isNotEmpty();
    Instant previousEnd = Instant.MIN;
    for (RunRow r : ran) {
      assertThat(r.startedAt()).as("run %d starts after the one before it ended", r.id())
          .isAfterOrEqualTo(previousEnd);
      previousEnd = r.finishedAt();
    }
  }

  /** Once every noise job has ended two runs: the threads all their callbacks ran on. */
  private Set<String> threadsOfNoiseRuns() {
    await().atMost(Duration.ofSeconds(15)).until(
        () -> ended.size() == NOISE_JOBS && ended.values().stream().allMatch(n -> n >= 2));
    Set<String> all = new java.util.HashSet<>();
    threads.values().forEach(all::addAll);
    return all;
  }

  private void start() throws Exception {
    start(b -> b.lanes(2));
  }

  private void start(java.util.function.UnaryOperator<EngineBuilder> options) throws Exception {
    engine = invariants.watch(options.apply(Engine.builder()
        .jobs(jobs())
        .database("jdbc:h2:file:" + dir.resolve("db/cronloop"))
        .listener(new Listener()))
        .build());
    engine.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private final class Listener implements RunListener {
    @Override
    public void runStarting(long runId, String jobId, Trigger trigger, Instant scheduledAt) {
      note(jobId);
      starts.computeIfAbsent(jobId + "/" + trigger, k -> ConcurrentHashMap.newKeySet())
          .add(Thread.currentThread().getName());
    }

    @Override
    public void fetchStarting(long runId, String jobId, String url) {
      note(jobId);
    }

    @Override
    public void fetchEnded(FetchRow fetch) {
      note(fetch.jobId());
    }

    @Override
    public void runEnded(RunResult run) {
      note(run.jobId());
      ended.merge(run.jobId(), 1, Integer::sum);
    }

    private void note(String jobId) {
      threads.computeIfAbsent(jobId, k -> ConcurrentHashMap.newKeySet()).add(Thread.currentThread().getName());
    }
  }

  private Path jobs() {
    return dir.resolve("jobs");
  }

  private <T> T query(Query<T> query) throws Exception {
    try (Database database = Database.open("jdbc:h2:file:" + dir.resolve("db/cronloop"), 1)) {
      return query.apply(new RunQueries(database.dataSource()));
    }
  }

  private interface Query<T> {
    T apply(RunQueries q) throws Exception;
  }
}
