package dev.cronloop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cronloop.StartupFailure;
import dev.cronloop.record.Database;
import dev.cronloop.testkit.Postgres;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 7: each start-up failure becomes one line naming the cause and the fix. The
 * exceptions are the real ones, thrown by H2, PostgreSQL's driver, Hikari, the JDK's sockets and
 * files.
 */
class FailureLineTest {
  @TempDir Path dir;

  @Test
  void a_url_no_driver_reads_is_a_usage_error_naming_the_url_and_the_forms_that_work() {
    Throwable e = catchThrowable(() -> Database.open("jdbc:nosuch:x", 1));

    FailureLine line = FailureLine.of(e, "jdbc:nosuch:x", null);

    assertThat(line.exitCode()).isEqualTo(2);
    assertThat(line.text()).isEqualTo("--db jdbc:nosuch:x: no JDBC driver reads this URL; write"
        + " jdbc:h2:file:PATH or jdbc:postgresql://HOST:PORT/DATABASE");
  }

  @Test
  void an_h2_file_that_does_not_exist_is_named_and_not_created() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("nosuch/cronloop");

    Throwable e = catchThrowable(() -> Database.open(Database.existing(url), 1));
    FailureLine line = FailureLine.of(new ExecutionException(e), url, null);

    assertThat(line.exitCode()).isEqualTo(1);
    assertThat(line.text()).isEqualTo("database " + dir.resolve("nosuch/cronloop.mv.db")
        + " does not exist; check --db, or start cronloop run once to create it");
    try (var left = Files.list(dir)) {
      assertThat(left).as("files left in the folder").isEmpty();
    }
  }

  @Test
  void existing_leaves_memory_and_postgresql_urls_alone() {
    assertThat(Database.existing("jdbc:h2:file:./db/cronloop"))
        .isEqualTo("jdbc:h2:file:./db/cronloop;IFEXISTS=TRUE");
    assertThat(Database.existing("jdbc:h2:mem:x")).isEqualTo("jdbc:h2:mem:x");
    assertThat(Database.existing("jdbc:postgresql://h/db")).isEqualTo("jdbc:postgresql://h/db");
  }

  @Test
  void an_unreachable_postgresql_names_host_and_port() {
    String url = "jdbc:postgresql://127.0.0.1:1/x";
    Throwable e = catchThrowable(() -> Database.open(url, 1));

    FailureLine line = FailureLine.of(e, url, null);

    assertThat(line.exitCode()).isEqualTo(1);
    assertThat(line.text()).isEqualTo("cannot reach database 127.0.0.1:1: connection refused;"
        + " start it, or fix the host and port in --db");
  }

  @Test
  void an_unknown_host_is_named() {
    Throwable e = new RuntimeException(new java.sql.SQLException("The connection attempt failed.",
        "08001", new UnknownHostException("db.example")));

    FailureLine line = FailureLine.of(e, "jdbc:postgresql://db.example/cronloop", null);

    assertThat(line.text()).isEqualTo("cannot reach database db.example:5432: unknown host"
        + " db.example; fix the host name in --db");
  }

  @Test
  @Tag("cluster")
  void an_unknown_postgresql_database_is_named_with_the_server() throws Exception {
    try (Postgres pg = Postgres.freshDatabase()) {
      String url = pg.url().replace("/cronloop_it_", "/nosuch_it_");
      Throwable e = catchThrowable(() -> Database.open(url, 1));

      FailureLine line = FailureLine.of(e, url, null);

      assertThat(line.exitCode()).isEqualTo(1);
      assertThat(line.text()).startsWith("database nosuch_it_").contains(" does not exist on "
          + FailureLine.where(url) + "; create it (createdb nosuch_it_");
    }
  }

  @Test
  @Tag("cluster")
  void a_login_the_server_refuses_says_to_check_the_user_and_password() throws Exception {
    try (Postgres pg = Postgres.freshDatabase()) {
      String url = pg.url().contains("user=")
          ? pg.url().replaceAll("user=[^&]*", "user=nosuch_role&password=hunter2")
          : pg.url() + (pg.url().contains("?") ? "&" : "?") + "user=nosuch_role&password=hunter2";
      Throwable e = catchThrowable(() -> Database.open(url, 1));

      FailureLine line = FailureLine.of(e, url, null);

      assertThat(line.exitCode()).isEqualTo(1);
      assertThat(line.text()).isEqualTo("database " + FailureLine.where(url) + " refused the login"
          + " (FATAL: role \"nosuch_role\" does not exist); check user and password in --db");
    }
  }

  @Test
  void a_port_in_use_names_the_address_and_the_way_out() throws Exception {
    try (ServerSocket held = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        ServerSocket second = new ServerSocket()) {
      String http = "127.0.0.1:" + held.getLocalPort();
      Throwable e = catchThrowable(() -> second.bind(new InetSocketAddress("127.0.0.1", held.getLocalPort())));

      FailureLine line = FailureLine.of(new IllegalStateException("cannot listen", e), http, http);

      assertThat(line.exitCode()).isEqualTo(1);
      assertThat(line.text()).isEqualTo("cannot listen on " + http + ": the port is in use; stop"
          + " the other process or pass --http 127.0.0.1:0 for any free port");
    }
  }

  @Test
  void a_file_that_does_not_exist_is_named() {
    Throwable e = catchThrowable(() -> Files.readString(dir.resolve("token")));

    FailureLine line = FailureLine.of(new java.io.UncheckedIOException((java.io.IOException) e), null, null);

    assertThat(line.text()).isEqualTo(dir.resolve("token") + " does not exist; check the path and"
        + " its permissions");
  }

  @Test
  void a_startup_failure_anywhere_in_the_chain_gives_its_own_line_and_exit_code() {
    Throwable e = new ExecutionException(new CompletionException(
        new StartupFailure("database db/cronloop is held by node a (pid 42); stop it", 2)));

    FailureLine line = FailureLine.of(e, "jdbc:h2:file:./db/cronloop", null);

    assertThat(line).isEqualTo(new FailureLine("database db/cronloop is held by node a (pid 42);"
        + " stop it", 2));
  }

  @Test
  void anything_else_is_its_innermost_message_on_one_line_with_a_pointer_to_verbose() {
    Throwable e = new ExecutionException(new IllegalStateException("outer",
        new IllegalArgumentException("migration V7 failed:\n  column x\n  exists")));

    FailureLine line = FailureLine.of(e, null, null);

    assertThat(line.exitCode()).isEqualTo(1);
    assertThat(line.text()).isEqualTo("migration V7 failed: column x exists"
        + " (java.lang.IllegalArgumentException); --verbose shows the stack trace");
  }
}
