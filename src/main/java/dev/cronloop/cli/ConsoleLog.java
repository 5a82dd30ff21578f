package dev.cronloop.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;

/**
 * cronloop's own log set-up: lifecycle lines on stderr, one per line with time, level, thread and
 * class; per-fetch outcomes go to the database, never to the log.
 *
 * <p>Written in code rather than in a {@code logback.xml} because reading the XML starts logback's
 * configuration language and the JDK's XML parser: about 600 classes and a tenth of a one-off
 * {@code cronloop fire}. Logback finds this class through {@code META-INF/services}; it steps aside
 * when the user names a configuration ({@code -Dlogback.configurationFile=...}) or one is on the
 * class path (a {@code logback.xml} of an application that embeds the engine, a test's
 * {@code logback-test.xml}), and logback then reads that one as usual.
 */
public final class ConsoleLog extends ContextAwareBase implements Configurator {
  /** Loggers whose INFO lines are noise for an operator, with the level they are kept at. */
  static final Map<String, Level> QUIETER = Map.of(
      "org.quartz", Level.WARN,
      "dev.cronloop.bridge.ClusterJobStore", Level.WARN,
      "com.zaxxer.hikari", Level.WARN,
      "org.flywaydb", Level.ERROR,
      "io.netty", Level.WARN);

  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0}: %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null || onClassPath("logback-test.xml")
        || onClassPath("logback.xml")) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();

    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();

    QUIETER.forEach((name, level) -> context.getLogger(name).setLevel(level));
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(stderr);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static boolean onClassPath(String resource) {
    return ConsoleLog.class.getClassLoader().getResource(resource) != null;
  }
}
