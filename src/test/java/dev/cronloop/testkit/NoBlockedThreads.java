package dev.cronloop.testkit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test when Vert.x's blocked-thread checker warned during it: a blocked event loop is a
 * bug, not a slow machine. Register it with {@code @RegisterExtension} and give the Vert.x under
 * test {@link #strict} options so that a short block is caught.
 */
public final class NoBlockedThreads implements BeforeEachCallback, AfterEachCallback {
  /** The logger Vert.x 5's {@code BlockedThreadChecker} writes to (through SLF4J). */
  public static final String CHECKER = "io.vertx.core.impl.BlockedThreadChecker";

  private final Recording recording = new Recording();
  private volatile boolean expected;

  /** Vert.x options whose checker warns after 200 ms on an event loop, checked every 50 ms. */
  public static VertxOptions strict(VertxOptions options) {
    return options
        .setMaxEventLoopExecuteTime(200)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
        .setBlockedThreadCheckInterval(50)
        .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
        .setWarningExceptionTime(200)
        .setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS);
  }

  /** The warnings recorded so far in this test. */
  public List<String> warnings() {
    return List.copyOf(recording.lines);
  }

  /** Declares that this test blocks a loop on purpose (a test of the guard itself). */
  public void expectBlocked() {
    expected = true;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    expected = false;
    recording.lines.clear();
    recording.setContext(checker().getLoggerContext());
    recording.start();
    checker().addAppender(recording);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    checker().detachAppender(recording);
    recording.stop();
    if (!expected && !recording.lines.isEmpty()) {
      throw new AssertionError("the event loop was blocked:\n" + String.join("\n", recording.lines));
    }
  }

  private static Logger checker() {
    return (Logger) LoggerFactory.getLogger(CHECKER);
  }

  private static final class Recording extends AppenderBase<ILoggingEvent> {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent e) {
      if (e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN)) {
        String where = "";
        if (e.getThrowableProxy() != null) {
          StringBuilder sb = new StringBuilder();
          for (var frame : e.getThrowableProxy().getStackTraceElementProxyArray()) {
            sb.append("\n    ").append(frame.getSTEAsString());
          }
          where = sb.toString();
        }
        lines.add(e.getThreadName() + ": " + e.getFormattedMessage() + where);
      }
    }
  }
}
