package dev.cronloop.cli;

import dev.cronloop.schedule.FireTimes;
import dev.cronloop.schedule.Schedule;
import dev.cronloop.schedule.ScheduleException;
import dev.cronloop.schedule.Schedules;
import dev.cronloop.schedule.Spread;
import java.io.PrintWriter;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cronloop next}: prints the next fire times of an expression, exactly as the engine would
 * fire them (DESIGN.md, "Command line"). Pure: starts no engine, database or scheduler.
 */
@Command(
    name = "next",
    mixinStandardHelpOptions = true,
    description = "Print the next fire times of a schedule expression, one per line.")
public final class NextCommand implements Callable<Integer> {

  /** Fire times printed when --count is not given. */
  public static final int DEFAULT_COUNT = 5;

  static final int EXIT_USAGE = 2;

  @Spec private CommandSpec spec;

  @Option(names = "--from", paramLabel = "INSTANT",
      description = "Start strictly after this ISO instant or offset date-time (default: now).")
  String from;

  @Option(names = "--count", paramLabel = "N", defaultValue = "" + DEFAULT_COUNT,
      description = "How many fire times to print (default: ${DEFAULT-VALUE}).")
  int count = DEFAULT_COUNT;

  @Option(names = "--zone", paramLabel = "ZONE", defaultValue = "UTC",
      description = "IANA zone the expression is read in and times are printed in"
          + " (default: ${DEFAULT-VALUE}).")
  String zone = "UTC";

  @Option(names = "--spread", paramLabel = "DURATION",
      description = "Spread window, e.g. 5m; needs --id.")
  String spread;

  @Option(names = "--id", paramLabel = "JOB", description = "Job id whose spread offset to add.")
  String id;

  @Parameters(index = "0", paramLabel = "EXPRESSION",
      description = "Unix 5 fields, Quartz 6-7 fields, @daily.., or @every 90s.")
  String expression;

  @Override
  public Integer call() {
    return call(spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /** Prints the fire times on {@code out}, or a bad value on {@code err}; the exit code. */
  int call(PrintWriter out, PrintWriter err) {
    try {
      ZoneId zoneId = zone();
      Instant after = from();
      Duration offset = offset();
      if (count < 1) {
        throw new UsageException("--count must be 1 or more, got " + count);
      }
      Schedule schedule = Schedules.parse(expression, zoneId);
      for (Instant fire : FireTimes.next(schedule, offset, after, count)) {
        out.println(fire.atZone(zoneId).toOffsetDateTime());
      }
      out.flush();
      return 0;
    } catch (ScheduleException e) {
      err.println("cronloop next: " + e.getMessage() + " (at column " + (e.offset() + 1)
          + " of \"" + expression + "\")");
    } catch (UsageException e) {
      err.println("cronloop next: " + e.getMessage());
    }
    err.flush();
    return EXIT_USAGE;
  }

  private ZoneId zone() throws UsageException {
    try {
      return ZoneId.of(zone);
    } catch (DateTimeException e) {
      throw new UsageException("--zone " + zone + " is not a zone; use an IANA name such as"
          + " Europe/Berlin, or UTC");
    }
  }

  private Instant from() throws UsageException {
    if (from == null) {
      return Instant.now();
    }
    try {
      return Instant.parse(from);
    } catch (DateTimeParseException notInstant) {
      try {
        return OffsetDateTime.parse(from).toInstant();
      } catch (DateTimeParseException e) {
        throw new UsageException("--from " + from + " is not an instant; write e.g."
            + " 2024-06-12T10:00:00Z or 2024-06-12T12:00:00+02:00");
      }
    }
  }

  private Duration offset() throws UsageException {
    if (spread == null && id == null) {
      return Duration.ZERO;
    }
    if (spread == null || id == null) {
      throw new UsageException("--spread and --id go together; give both or neither");
    }
    try {
      return Spread.offset(id, Schedules.duration("--spread", spread, 0));
    } catch (ScheduleException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** A bad option value, reported as one line. */
  private static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
