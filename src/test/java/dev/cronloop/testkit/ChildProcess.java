package dev.cronloop.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code target/cronloop.jar} as a child process, with its output captured to a file. */
public final class ChildProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private ChildProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code target/cronloop ARGS}. */
  public static ChildProcess cronloop(String... args) throws IOException {
    return cronloop(List.of(), java.util.Map.of(), args);
  }

  /**
   * Starts {@code target/cronloop ARGS} with {@code JAVA_OPTS=JVM_OPTIONS}; tests that run several
   * nodes on few cores pass options that make each JVM lighter.
   */
  public static ChildProcess cronloop(List<String> jvmOptions, String... args) throws IOException {
    return cronloop(jvmOptions, java.util.Map.of(), args);
  }

  /** Starts {@code target/cronloop ARGS} with {@code env} added to its environment. */
  public static ChildProcess cronloop(java.util.Map<String, String> env, String... args) throws IOException {
    return cronloop(List.of(), env, args);
  }

  /**
   * Starts {@code target/cronloop ARGS}, the launcher script users run, with {@code env} added to
   * its environment, the test's own JVM as {@code JAVA} and {@code jvmOptions} as {@code JAVA_OPTS}.
   */
  public static ChildProcess cronloop(List<String> jvmOptions, java.util.Map<String, String> env, String... args)
      throws IOException {
    Path launcher = Path.of("target/cronloop");
    if (!Files.exists(launcher) || !Files.exists(Path.of("target/cronloop.jar"))) {
      throw new IllegalStateException("target/cronloop(.jar) is missing; run mvn package (or mvn verify) first");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(launcher.toString());
    cmd.addAll(List.of(args));
    Path log = Files.createTempFile("cronloop-child", ".log");
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    b.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    b.environment().put("JAVA_OPTS", String.join(" ", jvmOptions));
    b.environment().putAll(env);
    Process p = b.start();
    return new ChildProcess(p, log);
  }

  public long pid() {
    return process.pid();
  }

  /** Sends SIGTERM. */
  public void signalTerm() {
    process.destroy();
  }

  /** Sends SIGKILL. */
  public void kill() {
    process.destroyForcibly();
  }

  /** Waits for the exit status; fails when the process is still running after {@code max}. */
  public int waitFor(Duration max) throws InterruptedException {
    if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("process still running after " + max + ":\n" + output());
    }
    return process.exitValue();
  }

  /**
   * Waits until the process has printed {@code text}; fails at once, with everything it printed,
   * when it exits first or is still silent about it after {@code max}.
   */
  public void awaitOutput(String text, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (!output().contains(text)) {
      if (!process.isAlive() && !output().contains(text)) {
        throw new AssertionError("process exited (status " + process.exitValue() + ") before printing \""
            + text + "\":\n" + output());
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("process did not print \"" + text + "\" within " + max
            + "; its output, then its threads (SIGQUIT):\n" + outputWithThreadDump());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for \"" + text + "\"", e);
      }
    }
  }

  /** What the process printed, after asking its JVM for a thread dump (SIGQUIT) on the same output. */
  private String outputWithThreadDump() {
    try {
      new ProcessBuilder("kill", "-QUIT", Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
      // The JVM writes the dump from a thread of its own; its last line names the JNI references.
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!output().contains("JNI global refs") && System.nanoTime() - end < 0) {
        Thread.sleep(20);
      }
    } catch (IOException e) {
      return output() + "\n(no thread dump: " + e + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return output();
  }

  /** Everything the process printed so far. */
  public String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(output unreadable: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
