package dev.cronloop.cli;

import dev.cronloop.StartupFailure;
import dev.cronloop.record.DamagedH2File;
import dev.cronloop.record.Database;
import dev.cronloop.record.H2Rollback;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code cronloop repair}: rolls a damaged H2 file back to its newest version that reads
 * completely and keeps the damaged file beside it ({@link H2Rollback}). The command that the line
 * of a {@link DamagedH2File} names; an operator runs it with every process on the file stopped.
 */
@Command(
    name = "repair",
    mixinStandardHelpOptions = true,
    description = {
      "Roll a damaged H2 database file back to its newest version that reads completely.",
      "The damaged file is kept beside it as FILE.mv.db.damaged-TIME. Stop every process using it first."
    })
final class RepairCommand implements Callable<Integer> {
  @Mixin DbOption db;

  @Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;

  RepairCommand() {
    this(Clock.systemUTC());
  }

  /** For tests: {@code clock} names the damaged file kept. */
  RepairCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws Exception {
    String url = db.url(spec);
    Path file = Database.h2File(url).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
        "--db " + Database.redact(url) + " names no H2 file; repair works on jdbc:h2:file:PATH, the file"
            + " H2 keeps (a PostgreSQL database is repaired with its own tools)"));
    PrintWriter out = spec.commandLine().getOut();
    out.println(line(H2Rollback.repair(file, clock.instant())));
    out.flush();
    return 0;
  }

  /** What {@code result} says on stdout; a result that leaves the file damaged throws instead (exit 1). */
  private static String line(H2Rollback.Result result) {
    Path file = result.file();
    if (result instanceof H2Rollback.Intact) {
      return file + " reads completely; nothing to repair";
    }
    if (result instanceof H2Rollback.RolledBack r && r.dropped() == 0) { // only H2's open failed
      return file + " rewritten at its newest version " + r.to() + ", which reads completely; the"
          + " damaged file is kept as " + r.damaged();
    }
    if (result instanceof H2Rollback.RolledBack r) {
      return file + " rolled back from version " + r.from() + " to version " + r.to() + " ("
          + r.dropped() + " newer version" + (r.dropped() == 1 ? " did" : "s did") + " not read completely);"
          + " the damaged file is kept as " + r.damaged();
    }
    if (result instanceof H2Rollback.InUse) {
      throw new StartupFailure(file + " is open in another process; stop it (a cronloop run, or a"
          + " cronloop runs or jobs in another terminal) and run repair again", StartupFailure.RUNTIME);
    }
    long newest = ((H2Rollback.Unrecoverable) result).newest();
    throw new StartupFailure("no version of " + file + " reads completely (the newest is " + newest
        + "), so it is left as it was; to save the rows H2 can still read, run java -cp "
        + DamagedH2File.jar() + " org.h2.tools.Recover -dir " + file.getParent() + " -db " + base(file)
        + " (it writes them to " + file.resolveSibling(base(file) + ".h2.sql") + " as SQL), then move"
        + " the file away and cronloop run starts a new one", StartupFailure.RUNTIME);
  }

  private static String base(Path mvDb) {
    String name = mvDb.getFileName().toString();
    return name.substring(0, name.length() - Database.H2_SUFFIX.length());
  }
}
