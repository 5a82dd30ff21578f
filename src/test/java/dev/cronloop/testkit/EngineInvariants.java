package dev.cronloop.testkit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import dev.cronloop.Engine;
import io.micrometer.core.instrument.Gauge;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Checks, after each engine test, what must hold whatever the test did (STYLE.md §7, after
 * Caffeine's validation interceptor):
 *
 * <ul>
 *   <li>no Vert.x blocked-thread warning, and no WARN or ERROR the test did not declare with
 *       {@link #expectWarn};
 *   <li>for each engine given to {@link #watch}: no run left RUNNING in its database, and its
 *       recorder queue, requests in flight and active runs all at zero;
 *   <li>no live thread named {@code cronloop-*} a few seconds after the test.
 * </ul>
 *
 * <p>Register it as a field, {@code @RegisterExtension final EngineInvariants invariants = new
 * EngineInvariants();}, and close engines in {@code @AfterEach} or in the test: JUnit runs this
 * extension's checks after the class's {@code @AfterEach} methods. A test whose database is gone by
 * then (a TCP server it stops) calls {@link #checkEngines} itself once its engine is closed.
 */
public final class EngineInvariants implements BeforeEachCallback, AfterEachCallback {
  private static final long THREAD_WAIT_MS = 5_000;
  private static final String BLOCKED = "has been blocked for";

  private final Recording recording = new Recording();
  private final List<String> expected = new CopyOnWriteArrayList<>();
  private final List<Engine> engines = new CopyOnWriteArrayList<>();
  private Set<Thread> before = Set.of();
  private Set<Thread> beforeShared;
  private volatile boolean blockedExpected;

  /**
   * Declares a WARN or ERROR this test causes on purpose: every line that contains {@code
   * substring} (in its message or its cause) is allowed. Blocked-thread warnings are never allowed
   * this way.
   */
  public EngineInvariants expectWarn(String substring) {
    expected.add(substring);
    return this;
  }

  /** Declares that this test blocks an event loop on purpose (a test of the checker itself). */
  public EngineInvariants expectBlocked() {
    blockedExpected = true;
    return this;
  }

  /** Checks {@code engine} after the test; returns it. */
  public Engine watch(Engine engine) {
    engines.add(engine);
    return engine;
  }

  /**
   * Declares {@code engine}, built but not yet started, shared by the tests of a {@code
   * PER_CLASS} class (started in {@code @BeforeAll}). Its pools start threads lazily and keep them
   * until it is closed, so while it is open the thread check after each test is left out; the
   * logs are still checked after each test. Close it in {@code @AfterAll} and call {@link
   * #checkEngines}, which checks it and then the threads against those alive when it was shared.
   */
  public Engine share(Engine engine) {
    beforeShared = cronloopThreads();
    return watch(engine);
  }

  /**
   * Checks the watched engines now, for a test that takes their database away once they are
   * closed, or for an engine given to {@link #share} once closed; the checks are not repeated
   * after the test.
   */
  public void checkEngines() {
    List<String> violations = new ArrayList<>();
    for (Engine e : engines) {
      violations.addAll(check(e));
    }
    engines.clear();
    if (beforeShared != null) {
      violations.addAll(liveThreads(beforeShared));
      beforeShared = null;
    }
    if (!violations.isEmpty()) {
      throw new AssertionError("engine invariants violated:\n  " + String.join("\n  ", violations));
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    expected.clear();
    if (beforeShared == null) {
      engines.clear();
    }
    blockedExpected = false;
    before = cronloopThreads();
    recording.lines.clear();
    recording.setContext(root().getLoggerContext());
    recording.start();
    root().addAppender(recording);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    List<String> violations = new ArrayList<>();
    if (beforeShared == null) { // a shared engine is checked once closed, by checkEngines
      for (Engine e : engines) {
        violations.addAll(check(e));
      }
      engines.clear();
      violations.addAll(liveThreads(before));
    }
    root().detachAppender(recording);
    recording.stop();
    for (Line line : recording.lines) {
      if (line.text.contains(BLOCKED)) {
        if (!blockedExpected) {
          violations.add("blocked thread: " + line);
        }
      } else if (expected.stream().noneMatch(line.text::contains)) {
        violations.add("undeclared " + line);
      }
    }
    if (!violations.isEmpty()) {
      throw new AssertionError("engine invariants violated after " + context.getDisplayName() + ":\n  "
          + String.join("\n  ", violations));
    }
  }

  private static List<String> check(Engine engine) {
    List<String> violations = new ArrayList<>();
    gauge(engine, "cronloop.recorder.queue.depth", "writes still queued in the recorder", violations);
    gauge(engine, "cronloop.requests.in.flight", "requests still holding limiter slots", violations);
    gauge(engine, "cronloop.runs.active", "runs still active", violations);
    violations.addAll(runningRuns(engine.config().jdbcUrl()));
    return violations;
  }

  private static void gauge(Engine engine, String name, String what, List<String> violations) {
    Gauge g = engine.metrics().find(name).gauge();
    if (g != null && g.value() != 0) {
      violations.add(what + " after close: " + name + " = " + g.value());
    }
  }

  /** The runs left RUNNING, read with plain JDBC so that the check starts no pool of its own. */
  private static List<String> runningRuns(String jdbcUrl) {
    String url = jdbcUrl;
    if (url.startsWith("jdbc:h2:file:") && !url.toUpperCase().contains("AUTO_SERVER")) {
      url += ";AUTO_SERVER=TRUE"; // as Database.open uses it
    }
    List<String> left = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT id, job_id, node FROM runs WHERE status = 'RUNNING' ORDER BY id")) {
      while (rs.next()) {
        left.add("run " + rs.getLong(1) + " of job " + rs.getString(2) + " (node " + rs.getString(3)
            + ") left RUNNING in " + jdbcUrl);
      }
    } catch (SQLException e) {
      left.add("cannot read the runs of " + jdbcUrl + " to check none is left RUNNING: " + e.getMessage());
    }
    return left;
  }

  /**
   * The {@code cronloop-*} threads still alive after waiting up to {@link #THREAD_WAIT_MS}: pools
   * (the catalog's parse pool, Hikari's helpers) end their threads asynchronously after a close.
   * Threads that were alive before the test began are not this test's: no thread is shared between
   * engine tests by design, so such a thread is a leak of an earlier test that did not check it;
   * blaming this test would point at the wrong place.
   */
  private static List<String> liveThreads(Set<Thread> before) {
    long deadline = System.currentTimeMillis() + THREAD_WAIT_MS;
    Set<Thread> live = cronloopThreads();
    live.removeAll(before);
    while (!live.isEmpty() && System.currentTimeMillis() < deadline) {
      try {
        Thread.sleep(50); // threads end asynchronously; there is no event to wait for
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      live = cronloopThreads();
      live.removeAll(before);
    }
    List<String> left = new ArrayList<>();
    for (Thread t : live) {
      StringBuilder where = new StringBuilder();
      StackTraceElement[] stack = t.getStackTrace();
      for (int i = 0; i < Math.min(6, stack.length); i++) {
        where.append("\n      at ").append(stack[i]);
      }
      left.add("thread " + t.getName() + " (" + t.getState() + ") still alive " + THREAD_WAIT_MS
          + " ms after the test" + where);
    }
    return left;
  }

  /**
   * Live threads of cronloop: {@code cronloop-*} by our naming, and {@code cronloop_*}, the prefix
   * Quartz gives the threads of its JDBC store from the scheduler's instance name.
   */
  private static Set<Thread> cronloopThreads() {
    Set<Thread> threads = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && (t.getName().startsWith("cronloop-") || t.getName().startsWith("cronloop_"))) {
        threads.add(t);
      }
    }
    return threads;
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  /** One WARN or ERROR event: its text (message and causes) and where it came from. */
  private record Line(String level, String thread, String logger, String text) {
    @Override
    public String toString() {
      return level + " [" + thread + "] " + logger + ": " + text;
    }
  }

  private static final class Recording extends AppenderBase<ILoggingEvent> {
    final List<Line> lines = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent e) {
      if (!e.getLevel().isGreaterOrEqual(Level.WARN)) {
        return;
      }
      StringBuilder text = new StringBuilder(e.getFormattedMessage());
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        text.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
      }
      lines.add(new Line(e.getLevel().toString(), e.getThreadName(), e.getLoggerName(), text.toString()));
    }
  }
}
