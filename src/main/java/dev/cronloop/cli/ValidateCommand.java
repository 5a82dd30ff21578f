package dev.cronloop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cronloop.definition.Catalog;
import dev.cronloop.definition.JobFolder;
import dev.cronloop.definition.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cronloop validate}: reads the jobs folder and prints every problem as {@code
 * FILE:LINE:COL: message} (exit 1), or a one-line summary (exit 0). DESIGN.md, "Command line".
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = "Check every job file in the jobs folder and print each problem.")
public final class ValidateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--jobs",
      paramLabel = "DIR",
      defaultValue = "./jobs",
      description = "The jobs folder (default: ${DEFAULT-VALUE}).")
  Path jobs = Path.of("./jobs");

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  private final Function<String, String> env;

  /** Reads {@code ${VAR}} from the process environment. */
  public ValidateCommand() {
    this(System::getenv);
  }

  /** Reads {@code ${VAR}} from {@code env}; for tests and embedding. */
  public ValidateCommand(Function<String, String> env) {
    this.env = Objects.requireNonNull(env, "env");
  }

  @Override
  public Integer call() {
    return call(spec.commandLine().getOut());
  }

  /** Reads the folder and prints on {@code out} what DESIGN.md says; the exit code. */
  int call(PrintWriter out) {
    Path dir = jobs.normalize().toString().isEmpty() ? Path.of(".") : jobs.normalize();
    Catalog catalog = JobFolder.load(dir, env);
    if (json) {
      out.println(json(catalog));
    } else if (catalog.ok()) {
      int n = catalog.jobs().size();
      out.printf(
          "ok: %d job%s in %s (%d enabled)%n", n, n == 1 ? "" : "s", dir, catalog.enabledCount());
    } else {
      for (Problem p : catalog.problems()) {
        out.println(p);
      }
    }
    out.flush();
    return catalog.ok() ? 0 : 1;
  }

  private static String json(Catalog catalog) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("ok", catalog.ok());
    root.put("jobs", catalog.jobs().size());
    ArrayNode problems = root.putArray("problems");
    for (Problem p : catalog.problems()) {
      problems
          .addObject()
          .put("file", p.file().toString())
          .put("line", p.line())
          .put("column", p.column())
          .put("message", p.message())
          .put("text", p.toString()); // as the API's problems have it (src/docs/http-api.md)
    }
    return root.toString();
  }
}
