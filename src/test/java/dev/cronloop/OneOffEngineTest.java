package dev.cronloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cronloop.model.RunResult;
import dev.cronloop.testkit.EngineInvariants;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LoopbackServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A one-off engine ({@link EngineBuilder#oneOff()}, what {@code cronloop fire} builds) fires and
 * records as any engine, without the JVM's meters, and closes the database it opened early.
 */
@Timeout(60)
class OneOffEngineTest {
  @RegisterExtension final EngineInvariants invariants = new EngineInvariants();
  @TempDir Path dir;

  @Test
  void a_one_off_engine_fires_records_and_has_no_jvm_meters() throws Exception {
    try (LoopbackServer target = LoopbackServer.start()) {
      JobFiles.write(dir.resolve("jobs"), "one.yaml", "schedule: \"0 0 3 * * ?\"\nrequests: [ \""
          + target.url("/ok") + "\" ]\n");
      String url = "jdbc:h2:file:" + dir.resolve("db/cronloop");
      Engine engine = invariants.watch(Engine.builder().jobs(dir.resolve("jobs")).database(url).oneOff().build());

      engine.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      RunResult run = engine.fire("one").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      boolean jvmMeters = engine.metrics().find("jvm.memory.used").meter() != null;
      boolean fireMeters = engine.metrics().find("cronloop.runs").meter() != null;
      engine.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

      assertThat(run.ok()).isEqualTo(1);
      assertThat(engine.config().schedule()).isFalse();
      assertThat(jvmMeters).isFalse();
      assertThat(fireMeters).isTrue();
      assertThat(target.received()).isEqualTo(1);
      try (Connection c = DriverManager.getConnection(url);
          ResultSet rs = c.createStatement().executeQuery("SELECT status, requests_ok FROM runs")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("OK");
        assertThat(rs.getInt(2)).isEqualTo(1);
      }
    }
  }

  @Test
  void a_database_that_cannot_be_opened_fails_the_start_and_close_completes() throws Exception {
    JobFiles.write(dir.resolve("jobs"), "tick.yaml", "schedule: \"0 0 3 * * ?\"\nrequests: [ \"http://127.0.0.1:9/tick\" ]\n");
    Files.writeString(dir.resolve("blocker"), "a file where the database's folder should be");
    Engine engine = Engine.builder().jobs(dir.resolve("jobs"))
        .database("jdbc:h2:file:" + dir.resolve("blocker/db/cronloop")).oneOff().build();

    Throwable failure = null;
    try {
      engine.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      failure = e.getCause();
    }
    engine.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(failure).hasMessageContaining("cannot create the database folder");
  }

  @Test
  void a_one_off_engine_neither_schedules_nor_serves_an_api() {
    assertThatThrownBy(() -> Engine.builder().oneOff().schedule(true).build())
        .hasMessageContaining("schedule(true)").hasMessageContaining("oneOff()");
    assertThatThrownBy(() -> Engine.builder().oneOff().http(new InetSocketAddress("127.0.0.1", 0)).build())
        .hasMessageContaining("http(").hasMessageContaining("oneOff()");
  }
}
