package dev.cronloop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.cronloop.record.Database;
import dev.cronloop.record.RunQueries;
import dev.cronloop.record.RunRow;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cronloop runs}: the latest runs, newest first, as a table or JSON. */
@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description = "Show the latest runs, newest first.")
final class RunsCommand implements Callable<Integer> {
  @Mixin DbOption db;

  @Option(names = "--job", paramLabel = "JOB", description = "Only runs of this job.")
  String job;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "20",
      description = "At most N runs (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--json", description = "Print a JSON array instead of a table.")
  boolean json;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (limit < 1 || limit > 10_000) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be 1-10000; got " + limit);
    }
    List<RunRow> runs;
    try (Database database = Database.open(Database.existing(db.url(spec)), 1)) {
      runs = new RunQueries(database.dataSource()).runs(job, null, null, limit);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectMapper mapper =
          new ObjectMapper()
              .registerModule(new JavaTimeModule())
              .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
      out.println(mapper.writeValueAsString(runs));
    } else {
      out.printf("%-8s %-24s %-11s %-9s %-24s %9s %7s %7s  %s%n",
          "RUN", "JOB", "STATUS", "TRIGGER", "FIRED", "DURATION", "OK", "FAILED", "REASON");
      for (RunRow r : runs) {
        out.println(String.format("%-8d %-24s %-11s %-9s %-24s %9s %7d %7d  %s",
            r.id(), r.jobId(), r.status(), r.trigger(), r.firedAt(), duration(r),
            r.requestsOk(), r.requestsFailed(), r.reason() == null ? "" : r.reason()).stripTrailing());
      }
    }
    out.flush();
    return 0;
  }

  private static String duration(RunRow r) {
    Instant from = r.startedAt() != null ? r.startedAt() : r.firedAt();
    if (r.finishedAt() == null || from == null) {
      return "-";
    }
    return Duration.between(from, r.finishedAt()).toMillis() + "ms";
  }
}
