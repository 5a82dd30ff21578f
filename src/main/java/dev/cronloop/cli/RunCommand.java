package dev.cronloop.cli;

import dev.cronloop.Engine;
import dev.cronloop.EngineBuilder;
import dev.cronloop.definition.DurationText;
import dev.cronloop.record.NodeLease;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code cronloop run}: runs the engine until SIGTERM or SIGINT, then shuts down and exits 0. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run every job on its schedule until SIGTERM/SIGINT.")
final class RunCommand implements Callable<Integer> {
  @Mixin JobsOption jobs;
  @Mixin DbOption db;

  @Option(
      names = "--http",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:8080",
      description = "Where the HTTP API listens (default: ${DEFAULT-VALUE}).")
  String http;

  @Option(names = "--node", paramLabel = "NAME", description = "This node's name in runs.node (default: host name).")
  String node;

  @Option(
      names = "--grace",
      paramLabel = "DURATION",
      defaultValue = "10s",
      description = "How long shutdown lets runs finish before cancelling them (default: ${DEFAULT-VALUE}).")
  String grace;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "A file holding the bearer token that POST /api/... calls must send"
          + " (or set CRONLOOP_TOKEN). Needed to listen on anything but loopback.")
  Path tokenFile;

  @Option(
      names = "--allow-empty",
      description = "Start even when the jobs folder does not exist (with a WARN); its jobs load"
          + " when it appears.")
  boolean allowEmpty;

  @Spec CommandLine.Model.CommandSpec spec;

  private final Function<String, String> env;

  RunCommand() {
    this(System::getenv);
  }

  /** For tests: {@code env} stands in for the process environment. */
  RunCommand(Function<String, String> env) {
    this.env = env;
  }

  @Option(
      names = "--retention",
      paramLabel = "DURATION",
      description = "Delete runs and their fetches fired longer ago than this, e.g. 30d (default: keep all).")
  String retention;

  @Option(
      names = "--buffer",
      paramLabel = "N",
      description = "Outcomes that may wait for the database before runs slow down (default: 50000).")
  Integer buffer;

  @Option(
      names = "--spill-after",
      paramLabel = "DURATION",
      description = "How long the database may be away before outcomes go to the journal db/cronloop.journal"
          + " (default: 30s).")
  String spillAfter;

  @Option(
      names = "--public-url",
      paramLabel = "URL",
      description = "Where people reach the API, e.g. https://cron.example.org; notices link to their run under it"
          + " (default: no link).")
  String publicUrl;

  @Option(
      names = "--checkin",
      paramLabel = "DURATION",
      defaultValue = "5s",
      description = "Cluster check-in interval on PostgreSQL; a node silent this long (plus a grace) is taken over (default: ${DEFAULT-VALUE}).")
  String checkin;

  @Option(
      names = "--lanes",
      paramLabel = "N",
      description = "Event loops the runs are spread over, each job always on the same one, each with its share of"
          + " the connections per host (default: every event loop, 2, up to the processors). 1 keeps every run"
          + " on one event loop (src/docs/benchmarks.md, \"Lanes by default\").")
  Integer lanes;

  /** The --public-url value; a bad one is a usage error naming the option and the fix. */
  private java.net.URI publicUrl(String text) {
    try {
      return new java.net.URI(text);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("--public-url must be an absolute http or https URL like"
          + " https://cron.example.org (found \"" + text + "\")");
    }
  }

  /**
   * Parses the value of the duration option {@code name}; a bad value is a usage error that
   * names the option, as in "--grace must be a duration like 500ms, 5s, 1m30s or 2h".
   */
  private Duration duration(String name, String text) {
    try {
      return DurationText.parse(text, text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), name + " " + e.getMessage());
    }
  }

  @Option(
      names = "--lease",
      paramLabel = "DURATION",
      defaultValue = "5s",
      description = "How often this process renews its lease on the database (one run per database, one live"
          + " node per --node name in a cluster); a lease not renewed for 3 periods is taken over (default: ${DEFAULT-VALUE}).")
  String lease;

  @Override
  public Integer call() throws Exception {
    requireJobsFolder();
    EngineBuilder builder =
        Engine.builder()
            .jobs(jobs.dir)
            .database(db.url(spec))
            .http(HostPort.parse(http, spec.commandLine()))
            .grace(duration("--grace", grace))
            .clusterCheckin(duration("--checkin", checkin));
    if (node != null) {
      builder.node(node);
    }
    if (retention != null) {
      builder.retention(duration("--retention", retention));
    }
    if (spillAfter != null) {
      builder.spillAfter(duration("--spill-after", spillAfter));
    }
    String token = TokenFile.read(tokenFile, env.apply(TokenFile.ENV), spec.commandLine());
    Engine engine;
    try {
      if (token != null) {
        builder.token(token);
      }
      if (publicUrl != null) {
        builder.publicUrl(publicUrl(publicUrl));
      }
      if (buffer != null) {
        if (buffer < 16) {
          throw new IllegalArgumentException("--buffer must be at least 16 outcomes (found " + buffer + ")");
        }
        builder.recorderCapacity(buffer);
      }
      if (lanes != null) {
        if (lanes < 1) {
          throw new IllegalArgumentException("--lanes must be 1 or more (found " + lanes + ")");
        }
        builder.lanes(lanes);
      }
      engine = builder.leaseRenewal(duration("--lease", lease)).build();
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    // Trapped before the start: a stop signal that comes while the engine starts (or right after
    // its start line) waits for the start and then shuts down gracefully, instead of ending the
    // JVM under a half-registered shutdown.
    CountDownLatch stopAsked = new CountDownLatch(1);
    trapStopSignals(stopAsked::countDown);
    try {
      engine.start().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof NodeLease.Held held) {
        System.err.println("cronloop: " + held.getMessage()); // one line: who holds it and the fix
        return 2;
      }
      throw e;
    }
    Shutdown shutdown = new Shutdown(engine);
    // For a JVM that ends any other way (SIGHUP, System.exit elsewhere). H2's own hook then runs
    // beside this one and may close the file under the last writes: only the trapped signals and
    // a normal return avoid that.
    Thread fallback = new Thread(shutdown::await, "cronloop-shutdown");
    Runtime.getRuntime().addShutdownHook(fallback);
    stopAsked.await();
    int status = shutdown.await();
    try {
      Runtime.getRuntime().removeShutdownHook(fallback);
    } catch (IllegalStateException e) {
      // The JVM is already ending; the hook waits for the same close and returns.
    }
    return status;
  }

  /**
   * Makes SIGTERM and SIGINT ask {@code stop} to run instead of starting JVM shutdown, so that the
   * engine closes on a live JVM and {@code main} exits 0 afterwards.
   *
   * <p>Why not a shutdown hook: H2 closes a file database from its own JVM shutdown hook, the JVM
   * runs all hooks side by side, and {@code AUTO_SERVER=TRUE} rules out {@code DB_CLOSE_ON_EXIT=FALSE}.
   * A hook that closes the engine therefore races H2, which closed the file under the recorder's
   * last batches ("Database is already closed", once an MVStore NullPointerException and a
   * committed row missing). Once the engine has closed its pool, H2 has closed the file and removed
   * its hook, so the exit that follows finds nothing open. (A reader connected through AUTO_SERVER
   * keeps the file open; H2's hook then closes it with no write in flight.)
   *
   * <p>{@code sun.misc.Signal} (module jdk.unsupported) is the JDK's only way to handle a signal.
   * It is reached by reflection: a direct reference makes javac warn that it is internal, and no
   * annotation silences that warning.
   */
  private static void trapStopSignals(Runnable stop) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Class<?> signal = Class.forName("sun.misc.Signal");
        Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
        Object handler = java.lang.reflect.Proxy.newProxyInstance(
            handlerType.getClassLoader(), new Class<?>[] {handlerType}, (proxy, method, args) -> {
              if (method.getName().equals("handle")) {
                stop.run();
                return null;
              }
              return switch (method.getName()) { // the Object methods a proxy also receives
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> "cronloop stop signal handler";
              };
            });
        signal.getMethod("handle", signal, handlerType)
            .invoke(null, signal.getConstructor(String.class).newInstance(name), handler);
      } catch (java.lang.reflect.InvocationTargetException e) {
        // The JVM leaves the signal to the OS (-Xrs), whose default ends the process at once.
        System.err.println("cronloop: cannot handle SIG" + name + " (" + e.getCause().getMessage() + "); SIG"
            + name + " will end the process without a graceful shutdown");
      } catch (ReflectiveOperationException e) {
        System.err.println("cronloop: this JVM has no sun.misc.Signal (" + e + "); SIG" + name
            + " will end the process through the shutdown hook");
      }
    }
  }

  /**
   * A missing jobs folder is most often a wrong working directory or a typo; a daemon that starts
   * with no jobs would hide that, so it takes --allow-empty.
   */
  private void requireJobsFolder() {
    if (allowEmpty || Files.isDirectory(jobs.dir)) {
      return;
    }
    String why = Files.exists(jobs.dir) ? "is not a folder" : "does not exist";
    throw new CommandLine.ParameterException(spec.commandLine(), "jobs folder " + jobs.dir + " "
        + why + "; create it, pass --jobs DIR, or pass --allow-empty to start with no jobs until"
        + " it appears");
  }

  /**
   * Closes the engine once, for whichever asks first: a stop signal on the main thread or the JVM's
   * end in the fallback hook.
   */
  private static final class Shutdown {
    private final Engine engine;
    private CompletableFuture<Void> closed;

    Shutdown(Engine engine) {
      this.engine = engine;
    }

    private synchronized CompletableFuture<Void> closed() {
      if (closed == null) {
        closed = engine.close().toCompletionStage().toCompletableFuture();
      }
      return closed;
    }

    /**
     * Closes the engine as DESIGN.md's shutdown fixes, waiting up to the grace period plus 30 s.
     *
     * @return 0 when the engine closed, 1 when it failed or took too long
     */
    int await() {
      Duration wait = engine.config().grace().plusSeconds(30);
      try {
        closed().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        return 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        System.err.println("cronloop: interrupted while waiting for shutdown");
        return 1;
      } catch (ExecutionException | TimeoutException e) {
        System.err.println("cronloop: shutdown did not complete cleanly: " + e);
        return 1;
      }
    }
  }
}
