package dev.cronloop.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cronloop trigger|pause|resume JOB}: one mutating call to a running engine's API ({@code
 * POST /api/jobs/{id}/ACTION}), with the token from {@code --token-file} or {@code
 * CRONLOOP_TOKEN}. Prints one line (or the API's JSON answer) and exits 0 once the engine has
 * done it; a pause of a paused job, or a resume of one that is not, changes nothing and exits 0
 * too, saying so. Failures are one line each ({@link EngineApi}).
 */
abstract class JobAction implements Callable<Integer> {
  @Mixin ApiOption api;

  @Parameters(paramLabel = "JOB", description = "The job id.")
  String job;

  @Option(names = "--json", description = "Print the API's JSON answer instead of a sentence.")
  boolean json;

  /** Set by {@code trigger --wait}: how long to wait for the run's end, or null not to wait. */
  java.time.Duration wait;

  @Spec CommandLine.Model.CommandSpec spec;

  private final Function<String, String> env;

  JobAction(Function<String, String> env) {
    this.env = env;
  }

  /** The last segment of the call: trigger, pause or resume. */
  abstract String action();

  @Override
  public Integer call() throws Exception {
    EngineApi engine = api.connect(spec.commandLine(), env);
    EngineApi.Answer a = engine.post(job, action());
    if (wait != null) {
      return RunWait.until(engine, a.body().getLong("run"), wait, json, spec.commandLine().getOut());
    }
    JsonObject answer = a.body();
    String line;
    if (action().equals("trigger")) {
      line = "job " + answer.getString("job") + " triggered: run " + answer.getLong("run")
          + " (cronloop runs --run " + answer.getLong("run") + " shows its fetches)";
    } else if (a.status() == 409) {
      // Nothing changed; say so, and answer in the API's words with the job's state as it is.
      String state = engine.job(job).getString("state");
      answer = new JsonObject().put("job", job).put("state", state);
      line = "job " + job + " was already " + (action().equals("pause") ? "paused" : "not paused")
          + " (" + state + "); nothing changed";
    } else {
      line = "job " + answer.getString("job") + " " + (action().equals("pause") ? "paused" : "resumed")
          + " (" + answer.getString("state") + ")";
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(json ? answer.encode() : line);
    out.flush();
    return 0;
  }

  @Command(
      name = "trigger",
      mixinStandardHelpOptions = true,
      description = "Fire a job now on a running engine (a MANUAL run; a paused job runs too).")
  static final class Trigger extends JobAction {
    @Option(
        names = "--wait",
        paramLabel = "DURATION",
        arity = "0..1",
        fallbackValue = "10m",
        description = "Wait until the run has ended (at most DURATION, default 10m), print it with"
            + " its failed fetches and exit 0 when every request passed, 1 otherwise, as fire does.")
    void waitFor(String text) {
      try {
        wait = dev.cronloop.definition.DurationText.parse(text, text);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--wait " + e.getMessage());
      }
    }

    Trigger() {
      super(System::getenv);
    }

    Trigger(Function<String, String> env) {
      super(env);
    }

    @Override
    String action() {
      return "trigger";
    }
  }

  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description = "Stop a job's scheduled fires on a running engine (every node, across restarts).")
  static final class Pause extends JobAction {
    Pause() {
      super(System::getenv);
    }

    Pause(Function<String, String> env) {
      super(env);
    }

    @Override
    String action() {
      return "pause";
    }
  }

  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = "Let a paused job's scheduled fires run again on a running engine.")
  static final class Resume extends JobAction {
    Resume() {
      super(System::getenv);
    }

    Resume(Function<String, String> env) {
      super(env);
    }

    @Override
    String action() {
      return "resume";
    }
  }
}
