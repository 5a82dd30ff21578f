package dev.cronloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cronloop.testkit.EngineInvariants;
import dev.cronloop.testkit.Futures;
import dev.cronloop.testkit.JobFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: {@code Engine.close()} after a failed {@code start()} never completed, because it
 * closed parts that never started (the start gate, the launcher, the recorder). Close now closes
 * only what started, completes, and leaves no {@code cronloop-*} thread behind.
 */
@Timeout(60)
class CloseAfterFailedStartTest {
  @RegisterExtension final EngineInvariants invariants = new EngineInvariants();
  @TempDir Path dir;

  @BeforeEach
  void writeJob() throws Exception {
    JobFiles.write(dir.resolve("jobs"), "tick.yaml", """
        schedule: "0 0 3 * * ?"
        requests: [ "http://127.0.0.1:9/tick" ]
        """);
  }

  @Test
  void close_completes_when_the_database_could_not_be_opened() throws Exception {
    Files.writeString(dir.resolve("blocker"), "a file where the database's folder should be");
    Engine engine = Engine.builder().jobs(dir.resolve("jobs"))
        .database("jdbc:h2:file:" + dir.resolve("blocker/db/cronloop")).build();

    Throwable startFailure = Futures.failureOf(engine.start());
    engine.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(startFailure).isNotNull();
    assertThat(engine.catalog()).as("nothing was loaded").isNull();
    assertThatThrownBy(() -> engine.trigger("tick").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS))
        .hasMessageContaining("the engine is not started");
  }

  @Test
  void close_completes_when_another_engine_holds_the_database() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("db/cronloop");
    Engine holder = invariants.watch(Engine.builder().jobs(dir.resolve("jobs")).database(url).build());
    holder.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Engine second = invariants.watch(Engine.builder().jobs(dir.resolve("jobs")).database(url).build());
    invariants.expectWarn("lease"); // the second engine's start reports the lease it could not take
    invariants.expectWarn("has been already registered"); // two engines with Vert.x metrics in one JVM

    Throwable startFailure = Futures.failureOf(second.start());
    second.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    boolean holderStillFires = holder.nextFire("tick").isPresent();
    holder.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    assertThat(startFailure).hasMessageContaining("stop that process first");
    assertThat(holderStillFires).as("the holder is untouched by the other's close").isTrue();
  }
}
