package dev.cronloop.cli;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The workload a class-data cache is made from: the short commands' path ({@code validate},
 * {@code next}, {@code fire} on a new and on a current database, {@code runs}), in one process,
 * against a loopback server of its own. The build runs it once with {@code
 * -XX:ArchiveClassesAtExit} to write {@code target/cronloop-JAVA_VERSION.jsa}, which the launcher
 * passes to a JVM of the same version; on JDK 25 and newer the launcher makes an AOT cache from it
 * ({@code -XX:AOTCacheOutput}, JEP 483/514/515). Either way a fresh process then finds most of its
 * classes parsed, verified and linked already (src/docs/benchmarks.md, "One-off start-up").
 *
 * <p>Only loopback traffic; everything it writes is in a temporary folder that it deletes.
 */
public final class ClassDataTraining {
  private ClassDataTraining() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("h2.bindAddress", "127.0.0.1");
    Path dir = Files.createTempDirectory("cronloop-training");
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer server = vertx.createHttpServer()
          .requestHandler(r -> r.response().putHeader("content-type", "application/json").end("{\"status\":\"UP\"}"))
          .listen(0, "127.0.0.1")
          .toCompletionStage().toCompletableFuture().get();
      Path jobs = Files.createDirectories(dir.resolve("jobs"));
      Files.writeString(jobs.resolve("training.yaml"), job(server.actualPort()));
      String db = "jdbc:h2:file:" + dir.resolve("db/cronloop");
      Files.createDirectories(dir.resolve("db"));

      run("validate", "--jobs", jobs.toString());
      run("next", "*/5 * * * *", "--count", "3");
      run("fire", "training", "--jobs", jobs.toString(), "--db", db); // migrates a new database
      run("fire", "training", "--jobs", jobs.toString(), "--db", db); // a current one
      run("runs", "--db", db);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
      deleteTree(dir);
    }
  }

  /** Twenty requests with the usual checks, and one to a port where nothing listens. */
  private static String job(int port) {
    StringBuilder yaml = new StringBuilder("""
        schedule: "0 0 * * * ?"
        timeout: 2s
        expect:
          status: 200
          bodyContains: UP
          json:
            "$.status": UP
        requests:
        """);
    for (int i = 0; i < 20; i++) {
      yaml.append("  - http://127.0.0.1:").append(port).append("/health?n=").append(i).append('\n');
    }
    yaml.append("  - http://127.0.0.1:9/closed\n");
    return yaml.toString();
  }

  /** Runs a command as {@link Main#main} does (its output, if any, goes to the build's log). */
  private static void run(String... args) {
    if (PlainArgs.run(args) != null) {
      return;
    }
    CommandLine cli = Main.commandLine();
    PrintWriter quiet = new PrintWriter(Writer.nullWriter());
    cli.setOut(quiet);
    cli.setErr(quiet);
    cli.execute(args);
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
