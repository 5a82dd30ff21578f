package dev.cronloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class ConsoleLogTest {
  @Test
  void the_engine_logs_through_it_on_stderr_with_quiet_libraries() {
    // The test JVM's own logging was set up by it (no logback.xml on the class path).
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
    assertThat(root.getAppender("STDERR")).isInstanceOfSatisfying(ConsoleAppender.class,
        a -> assertThat(a.getTarget()).isEqualTo("System.err"));
    assertThat(context.getLogger("org.quartz").getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("org.flywaydb.core.Flyway").getEffectiveLevel()).isEqualTo(Level.ERROR);
  }

  @Test
  void a_configuration_named_by_the_user_wins() {
    LoggerContext fresh = new LoggerContext();
    ConsoleLog log = new ConsoleLog();
    log.setContext(fresh);
    System.setProperty("logback.configurationFile", "/etc/cronloop/logback.xml");
    try {
      assertThat(log.configure(fresh)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
      assertThat(fresh.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNull();
    } finally {
      System.clearProperty("logback.configurationFile");
    }
    assertThat(log.configure(fresh)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    assertThat(fresh.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNotNull();
  }
}
