package dev.cronloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.record.Database;
import dev.cronloop.testkit.EngineInvariants;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.Receiver;
import dev.cronloop.testkit.SmtpServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Email notices through vertx-mail-client to a real SMTP server on loopback (aiosmtpd). */
@Timeout(120)
class NotifyEmailTest {
  @RegisterExtension final EngineInvariants invariants = new EngineInvariants();
  @TempDir Path dir;

  @Test
  void a_failure_and_a_recovery_arrive_as_mails_with_the_notice_id() throws Exception {
    try (SmtpServer smtp = SmtpServer.start(); Receiver target = Receiver.start()) {
      JobFiles.write(dir.resolve("jobs"), "channels.yaml", """
          channels:
            oncall: { email: { to: [ops@example.org], from: cronloop@example.org, smtp: "127.0.0.1:%d", starttls: optional } }
          """.formatted(smtp.port()));
      JobFiles.write(dir.resolve("jobs"), "api.yaml", """
          schedule: "0 0 0 1 1 ? 2099"
          notify: { channels: [oncall] }
          requests: [ "%s" ]
          """.formatted(target.url("/t/api")));
      target.answer("/t/api", 502);
      String db = "jdbc:h2:file:" + dir.resolve("db/cronloop");
      Engine engine = invariants.watch(Engine.builder().jobs(dir.resolve("jobs")).database(db)
          .notifyRetries(Duration.ofMillis(100), Duration.ofMinutes(1)).build());
      engine.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      try {
        engine.fire("api").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(15)).until(() -> smtp.messages().size() == 1);
        target.answer("/t/api", 200);
        engine.fire("api").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(15)).until(() -> smtp.messages().size() == 2);
      } finally {
        engine.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }

      String failure = smtp.messages().get(0);
      assertThat(failure).contains("Subject: [cronloop] job api is failing: 1 of 1 requests failed");
      assertThat(failure).contains("To: ops@example.org").contains("From: cronloop@example.org");
      assertThat(failure).contains(target.url("/t/api") + ": HTTP_ERROR 502");
      assertThat(smtp.messages().get(1)).contains("Subject: [cronloop] job api recovered");
      try (Database d = Database.open(db, 1); Connection c = d.dataSource().getConnection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT id FROM notices WHERE event = 'failure'")) {
        rs.next();
        assertThat(failure).contains("Idempotency-Key: " + rs.getString(1));
      }
    }
  }
}
