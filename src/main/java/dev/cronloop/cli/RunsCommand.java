package dev.cronloop.cli;

import dev.cronloop.definition.DurationText;
import dev.cronloop.model.FetchRow;
import dev.cronloop.model.RunStatus;
import dev.cronloop.record.Database;
import dev.cronloop.record.RunFilter;
import dev.cronloop.record.RunQueries;
import dev.cronloop.record.RunRow;
import dev.cronloop.server.JobJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cronloop runs}: the latest runs, newest first, or one run with its fetches ({@code
 * --run ID}), as a table or as the JSON the API answers ({@link JobJson}). Reads the database
 * only, so it works with or without a running engine.
 */
@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description = {
      "Show the latest runs, newest first, or one run with its fetches (--run ID).",
      "JSON output uses the HTTP API's keys (src/docs/http-api.md, \"Vocabulary\")."
    })
final class RunsCommand implements Callable<Integer> {
  /** What {@code --failed} selects: the runs in which a request did not pass its checks. */
  static final Set<RunStatus> FAILED = Set.of(RunStatus.FAILED, RunStatus.PARTIAL);

  @Mixin DbOption db;

  @Option(names = "--run", paramLabel = "ID", description = "Show this run and its fetches, with reasons.")
  Long run;

  @Option(names = "--job", paramLabel = "JOB", description = "Only runs of this job.")
  String job;

  @Option(
      names = "--status",
      paramLabel = "STATUS",
      description = "Only runs in this status: RUNNING, OK, FAILED, PARTIAL, SKIPPED, CANCELLED or INTERRUPTED.")
  String status;

  @Option(
      names = "--failed",
      description = "Only FAILED and PARTIAL runs; with --run, only the fetches that did not pass.")
  boolean failed;

  @Option(
      names = "--since",
      paramLabel = "DURATION|INSTANT",
      description = "Only runs fired since then: 1h, 30m, 2d (ago) or 2026-12-06T09:00:00Z.")
  String since;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "At most N runs (default: 20).")
  Integer limit;

  @Option(names = "--json", description = "Print JSON (the API's keys) instead of a table.")
  boolean json;

  @Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;

  RunsCommand() {
    this(Clock.systemUTC());
  }

  /** For tests: {@code clock} says when "now" is for {@code --since 1h}. */
  RunsCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws Exception {
    if (run != null) {
      return showRun();
    }
    RunFilter filter = filter();
    List<RunRow> rows;
    Map<Long, List<RunQueries.FailureCount>> failures = Map.of();
    try (Database database = Database.open(Database.existing(db.url(spec)), 1)) {
      RunQueries queries = new RunQueries(database.dataSource());
      rows = queries.runs(filter);
      if (!json) {
        failures = queries.failures(rows.stream().filter(r -> r.requestsFailed() > 0).map(RunRow::id).toList());
      }
    }
    JsonArray runs = new JsonArray();
    rows.forEach(r -> runs.add(JobJson.run(r)));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(runs.encode());
    } else {
      RunText.table(runs, RunText.reasons(failures)).forEach(out::println);
    }
    out.flush();
    return 0;
  }

  /** {@code --run ID}: the run and its fetches, as {@code GET /api/runs/{id}} answers. */
  private int showRun() throws Exception {
    if (job != null || status != null || since != null || limit != null) {
      throw usage("--run shows one run; leave out --job, --status, --since and --limit"
          + " (--failed keeps only the fetches that did not pass)");
    }
    if (run < 1) {
      throw usage("--run must be a run id (1 or more); got " + run);
    }
    JsonObject found;
    try (Database database = Database.open(Database.existing(db.url(spec)), 1)) {
      RunQueries queries = new RunQueries(database.dataSource());
      RunRow row = queries.run(run).orElse(null);
      if (row == null) {
        List<RunRow> newest = queries.runs(RunFilter.latest(1));
        throw usage("no run " + run + " in " + FailureLine.where(db.url) + (newest.isEmpty()
            ? "; it holds no runs yet" : "; the newest is " + newest.get(0).id()
            + " (cronloop runs lists the latest)"));
      }
      List<FetchRow> fetches = queries.fetches(run).stream().filter(f -> !failed || !f.ok()).toList();
      found = JobJson.run(row, fetches);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(found.encode());
    } else {
      RunText.detail(found).forEach(out::println);
    }
    out.flush();
    return 0;
  }

  private RunFilter filter() {
    int n = limit == null ? 20 : limit;
    if (n < 1 || n > 10_000) {
      throw usage("--limit must be 1-10000; got " + n);
    }
    if (failed && status != null) {
      throw usage("--failed and --status both choose statuses; use one of them");
    }
    Set<RunStatus> statuses = failed ? FAILED : status == null ? Set.of() : Set.of(status(status));
    return new RunFilter(job, statuses, since == null ? null : since(since), null, n);
  }

  private RunStatus status(String text) {
    try {
      return RunStatus.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw usage("--status must be one of " + Arrays.toString(RunStatus.values()) + "; got " + text);
    }
  }

  /** {@code 1h} (that long before now) or an ISO-8601 instant. */
  private Instant since(String text) {
    if (!text.isEmpty() && Character.isDigit(text.charAt(0)) && text.contains("T")) {
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw usage("--since " + text + " is not an instant; write it as 2026-12-06T09:00:00Z"
            + " (UTC) or give a duration such as 1h");
      }
    }
    try {
      return clock.instant().minus(DurationText.parse(text, text));
    } catch (IllegalArgumentException e) {
      throw usage("--since " + e.getMessage() + "; or give an instant such as 2026-12-06T09:00:00Z");
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
