package dev.cronloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.testkit.ChildProcess;
import dev.cronloop.testkit.JobFiles;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Makers of a new H2 file take turns across processes: while another process holds the makers'
 * lock beside the file (here this test's JVM, as a second {@code cronloop run} starting at the
 * same moment would), a child {@code cronloop run} makes nothing; once the lock is let go it makes
 * the file, whole, and starts.
 */
@Timeout(90)
class NewH2FileLockIT {
  @TempDir Path dir;

  @Test
  void a_run_waits_for_the_lock_of_another_maker_before_it_makes_the_file() throws Exception {
    Path jobs = dir.resolve("jobs");
    JobFiles.write(jobs, "idle.yaml", """
        schedule: "0 0 0 1 1 ? 2099"
        requests:
          - http://127.0.0.1:9/never
        """);
    Path db = dir.resolve("db/cronloop");
    Files.createDirectories(db.getParent());
    Path lockFile = dir.resolve("db/cronloop.partial.lock");

    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock held = channel.lock();
      try (ChildProcess child = ChildProcess.cronloop(
          "run", "--jobs", jobs.toString(), "--db", "jdbc:h2:file:" + db, "--http", "127.0.0.1:0")) {
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(
            () -> !Files.exists(dir.resolve("db/cronloop.mv.db")) && !Files.exists(dir.resolve("db/cronloop.partial.mv.db")));

        held.release();
        child.awaitOutput("cronloop started", Duration.ofSeconds(30));

        assertThat(dir.resolve("db/cronloop.mv.db")).exists();
        assertThat(dir.resolve("db/cronloop.partial.mv.db")).doesNotExist();
        assertThat(lockFile).as("gone once the file is made").doesNotExist();
        child.signalTerm();
        assertThat(child.waitFor(Duration.ofSeconds(20))).as(child.output()).isZero();
      }
    }
  }
}
