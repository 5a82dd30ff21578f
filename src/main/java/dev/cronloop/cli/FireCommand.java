package dev.cronloop.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.cronloop.Engine;
import dev.cronloop.definition.Catalog;
import dev.cronloop.definition.JobDefinition;
import dev.cronloop.definition.JobFolder;
import dev.cronloop.model.RunResult;
import dev.cronloop.record.Database;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code cronloop fire JOB}: fires one job now, waits until every outcome is recorded, prints one
 * JSON line and exits 0 when every request passed its checks, 1 otherwise.
 */
@Command(
    name = "fire",
    mixinStandardHelpOptions = true,
    description = "Fire one job now and wait until its outcomes are recorded.")
final class FireCommand implements Callable<Integer> {
  private static final String NAME = "cronloop fire"; // picocli's qualified name of this command

  @Mixin JobsOption jobs;
  @Mixin DbOption db;

  @Parameters(paramLabel = "JOB", description = "The job id.")
  String job;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    try {
      return fire(spec.commandLine().getOut());
    } catch (UsageError e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /**
   * Fires as {@link #call()} does, printing on {@code out}, and a failure on {@code err} as {@link
   * Main}'s handlers print it; the exit code. For {@link PlainArgs}: it never throws an exception,
   * as picocli must not fire the job a second time.
   */
  int call(PrintWriter out, PrintWriter err) {
    try {
      return fire(out);
    } catch (UsageError e) {
      err.println(UsageError.line(NAME, e.getMessage(), List.of()));
      err.flush();
      return UsageError.EXIT;
    } catch (Exception e) {
      return Main.failed(e, NAME, db.url, null, err);
    }
  }

  private int fire(PrintWriter out) throws Exception {
    requireJob();
    Progress progress = new Progress();
    Engine engine =
        Engine.builder()
            .jobs(jobs.dir)
            .database(databaseUrl())
            .oneOff()
            .listener(progress)
            .build();
    // An engine whose start failed is left to the process's exit: its close() would wait for the
    // parts that never started.
    engine.start().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    try {
      RunResult r;
      try {
        engine.catalog().job(job).ifPresent(j -> progress.total(j.requests().size()));
        r = await(engine.fire(job).toCompletionStage().toCompletableFuture(), progress);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof NoSuchElementException missing) {
          throw new UsageError(
              missing.getMessage() + "; known jobs: " + engine.catalog().jobs().stream().map(j -> j.id()).toList());
        }
        throw e;
      }
      if (Progress.onTerminal()) {
        progress.print(System.err);
        System.err.println();
      }
      out.println(line(r));
      out.flush();
      return r.failed() == 0 ? 0 : 1;
    } finally {
      engine.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }
  }

  /**
   * The line DESIGN.md fixes, written with Jackson's generator (loaded already for the job files):
   * an ObjectMapper, or Vert.x's JSON, which makes one, would start Jackson's data binding, some
   * 300 classes, for this one line.
   */
  static String line(RunResult r) throws IOException {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = new JsonFactory().createGenerator(text)) {
      json.writeStartObject();
      json.writeStringField("job", r.jobId());
      json.writeNumberField("run", r.runId());
      json.writeNumberField("requests", r.total());
      json.writeNumberField("ok", r.ok());
      json.writeNumberField("failed", r.failed());
      json.writeNumberField("durationMs", r.duration().toMillis());
      json.writeEndObject();
    }
    return text.toString();
  }

  /**
   * The database URL for this fire. {@code fire} records what it does, so it may create a new H2
   * database, but only in a folder that exists: {@code --db jdbc:h2:file:/tmp/bench-42} makes a
   * fresh database (as benchmark harnesses do), while a typo'd folder such as {@code
   * ./dbb/cronloop} is an error naming the missing file instead of a new empty tree.
   */
  private String databaseUrl() {
    String url = db.jdbcUrl();
    Path file = Database.h2File(url).orElse(null);
    return file != null && Files.isDirectory(file.getParent()) ? url : Database.existing(url);
  }

  /**
   * Fails with a usage error when the folder has no such job, before the engine opens the
   * database: a typo'd job id then touches no file and prints one line.
   *
   * <p>The engine reads the folder again when it starts, and reading a job of 20,000 URLs twice
   * would add a quarter of a second to a cold fire. So the folder is read here only when no job
   * file is named after the job or names it ({@code name: JOB}): the usual typo. When one does, the
   * engine's own read decides, as before.
   */
  private void requireJob() {
    if (mayDefine(jobs.dir, job)) {
      return;
    }
    Catalog catalog = JobFolder.load(jobs.dir, System::getenv);
    if (catalog.job(job).isEmpty()) {
      throw new UsageError("no job \"" + job + "\" in "
          + jobs.dir + "; known jobs: " + catalog.jobs().stream().map(JobDefinition::id).toList()
          + (catalog.ok() ? "" : "; cronloop validate lists the files that do not load"));
    }
  }

  /** True when a job file in {@code dir} is named {@code job} or holds {@code name: job}. */
  static boolean mayDefine(Path dir, String job) {
    Pattern name = Pattern.compile(
        "name\"?\\s*:\\s*[\"']?" + Pattern.quote(job) + "[\"']?\\s*([,}#]|$)", Pattern.MULTILINE);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String file = f.getFileName().toString();
        int dot = file.lastIndexOf('.');
        String ext = dot < 0 ? "" : file.substring(dot + 1);
        if (!List.of("yaml", "yml", "json").contains(ext) || !Files.isRegularFile(f)) {
          continue;
        }
        if (file.substring(0, dot).equals(job) || name.matcher(Files.readString(f)).find()) {
          return true;
        }
      }
      return false;
    } catch (IOException | java.io.UncheckedIOException e) {
      return true; // the engine's read reports what is wrong with the folder
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
