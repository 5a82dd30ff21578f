package dev.cronloop.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import dev.cronloop.testkit.LoopbackServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Fetches against the plain loopback server: outcomes and classification. */
@Timeout(60)
class FetcherTest {
  @TempDir Path dir;
  private LoopbackServer server;
  private Fetching fetching;

  @BeforeEach
  void start() throws Exception {
    server = LoopbackServer.start();
    fetching = new Fetching(dir);
  }

  @AfterEach
  void stop() throws Exception {
    fetching.close();
    server.close();
  }

  @Test
  void a_good_answer_is_ok_with_its_bytes() throws Exception {
    FetchRow row = fetching.fetch("requests: [" + server.url("/ok") + "]\n");

    assertThat(row.outcome()).isEqualTo(Outcome.OK);
    assertThat(row.error()).isNull();
    assertThat(row.statusCode()).isEqualTo(200);
    assertThat(row.bytes()).isEqualTo(2);
    assertThat(row.attempts()).isEqualTo(1);
  }
}
