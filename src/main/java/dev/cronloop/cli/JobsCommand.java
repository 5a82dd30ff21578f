package dev.cronloop.cli;

import dev.cronloop.definition.Catalog;
import dev.cronloop.definition.JobFolder;
import dev.cronloop.record.Database;
import dev.cronloop.record.NoticeStore;
import dev.cronloop.record.PausedJobs;
import dev.cronloop.record.RunQueries;
import dev.cronloop.record.RunRow;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cronloop jobs}: every job with its state, health (when the engine reports one), next fire
 * and last run. By default it reads the jobs folder and the database, so it works with no engine
 * running; with {@code --api URL} it asks a running engine instead, which also knows the jobs
 * that keep running their last good version and its own health. {@code --json} prints the
 * answer of {@code GET /api/jobs} in both cases.
 */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = {
      "List the jobs with state, health, next fire and last run.",
      "Reads --jobs and --db, or asks a running engine with --api URL."
    })
final class JobsCommand implements Callable<Integer> {
  @Mixin JobsOption jobs;
  @Mixin DbOption db;

  @Option(
      names = "--api",
      paramLabel = "URL",
      description = "Ask the running engine at URL (e.g. " + ApiOption.DEFAULT_API + ") instead of"
          + " reading --jobs and --db.")
  String api;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "With --api: a file holding the engine's bearer token (or set CRONLOOP_TOKEN).")
  java.nio.file.Path tokenFile;

  @Option(names = "--json", description = "Print the answer of GET /api/jobs instead of a table.")
  boolean json;

  @Spec CommandLine.Model.CommandSpec spec;

  private final Function<String, String> env;
  private final Clock clock;

  JobsCommand() {
    this(System::getenv, Clock.systemUTC());
  }

  /** For tests: the environment and the clock the next fires are computed from. */
  JobsCommand(Function<String, String> env, Clock clock) {
    this.env = env;
    this.clock = clock;
  }

  @Override
  public Integer call() throws Exception {
    JsonObject answer = api == null ? local() : remote();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(answer.encode());
    } else {
      JobText.table(answer).forEach(out::println);
    }
    out.flush();
    return 0;
  }

  private JsonObject remote() throws InterruptedException {
    ApiOption option = new ApiOption();
    option.url = api;
    option.tokenFile = tokenFile;
    return option.connect(spec.commandLine(), env).jobs();
  }

  /**
   * The folder and the database. A jobs folder that does not exist is a usage error; an H2
   * database that does not exist yet (no {@code run} so far) leaves out pauses and last runs, and
   * says so on stderr.
   */
  private JsonObject local() throws Exception {
    if (!Files.isDirectory(jobs.dir)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "jobs folder " + jobs.dir
          + " does not exist; pass --jobs DIR, or --api URL to ask a running engine");
    }
    Catalog catalog = JobFolder.load(jobs.dir, env);
    String url = db.url(spec);
    Path file = Database.h2File(url).orElse(null);
    if (file != null && !Files.exists(file)) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("cronloop jobs: no database at " + file
          + " yet, so no pauses or runs are shown; cronloop run creates it");
      err.flush();
      return LocalJobs.of(catalog, Map.of(), Set.of(), Map.of(), clock.instant());
    }
    try (Database database = Database.open(Database.existing(url), 1)) {
      Map<String, RunRow> last = new RunQueries(database.dataSource()).lastFinishedPerJob().stream()
          .collect(Collectors.toMap(RunRow::jobId, r -> r));
      PausedJobs pauses = new PausedJobs(database.dataSource());
      pauses.refresh();
      Set<String> paused = catalog.jobs().stream().map(j -> j.id()).filter(pauses::contains)
          .collect(Collectors.toSet());
      return LocalJobs.of(catalog, last, paused, NoticeStore.healthOfAll(database.dataSource()), clock.instant());
    }
  }
}
