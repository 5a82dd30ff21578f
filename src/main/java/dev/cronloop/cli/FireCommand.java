package dev.cronloop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cronloop.Engine;
import dev.cronloop.fetch.RunResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cronloop fire JOB}: fires one job now, waits until every outcome is recorded, prints one
 * JSON line and exits 0 when every request passed its checks, 1 otherwise.
 */
@Command(
    name = "fire",
    mixinStandardHelpOptions = true,
    description = "Fire one job now and wait until its outcomes are recorded.")
final class FireCommand implements Callable<Integer> {
  @Mixin JobsOption jobs;
  @Mixin DbOption db;

  @Parameters(paramLabel = "JOB", description = "The job id.")
  String job;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Progress progress = new Progress();
    Engine engine =
        Engine.builder()
            .jobs(jobs.dir)
            .database(db.url)
            .schedule(false)
            .listener(progress)
            .build();
    try {
      engine.start().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
      RunResult r;
      try {
        engine.catalog().job(job).ifPresent(j -> progress.total(j.requests().size()));
        r = await(engine.fire(job).toCompletionStage().toCompletableFuture(), progress);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof NoSuchElementException missing) {
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              missing.getMessage() + "; known jobs: " + engine.catalog().jobs().stream().map(j -> j.id()).toList());
        }
        throw e;
      }
      if (Progress.onTerminal()) {
        progress.print(System.err);
        System.err.println();
      }
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("job", r.jobId());
      line.put("run", r.runId());
      line.put("requests", r.total());
      line.put("ok", r.ok());
      line.put("failed", r.failed());
      line.put("durationMs", r.duration().toMillis());
      spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(line));
      spec.commandLine().getOut().flush();
      return r.failed() == 0 ? 0 : 1;
    } finally {
      engine.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }
  }

  /** Waits for the run, redrawing the progress line every 200 ms when stderr is a terminal. */
  private static RunResult await(CompletableFuture<RunResult> run, Progress progress)
      throws Exception {
    if (!Progress.onTerminal()) {
      return run.get();
    }
    while (true) {
      try {
        return run.get(200, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        progress.print(System.err);
      }
    }
  }
}
