package dev.cronloop.testkit;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx on 127.0.0.1 serving one static file from a temp folder, for benchmarks and
 * tests. Fails with the fix named when nginx is not installed.
 */
public final class Nginx implements AutoCloseable {
  private final Process process;
  private final int port;

  private Nginx(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts nginx serving {@code /file.txt} of {@code size} bytes. */
  public static Nginx start(int size) throws Exception {
    Path bin = Path.of("/usr/sbin/nginx");
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException("nginx is not installed; run: apt-get install -y nginx-light");
    }
    Path dir = Files.createTempDirectory("cronloop-nginx");
    Files.createDirectories(dir.resolve("logs"));
    Files.writeString(dir.resolve("file.txt"), "x".repeat(size));
    // nginx's workers drop to an unprivileged user: the folder and file must be readable to all.
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(dir.resolve("file.txt"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    int port = freePort();
    Files.writeString(dir.resolve("nginx.conf"), """
        daemon off;
        worker_processes 1;
        error_log %1$s/logs/error.log warn;
        pid %1$s/nginx.pid;
        events { worker_connections 4096; }
        http {
          access_log off;
          keepalive_requests 1000000;
          client_body_temp_path %1$s/tmp;
          proxy_temp_path %1$s/tmp;
          fastcgi_temp_path %1$s/tmp;
          uwsgi_temp_path %1$s/tmp;
          scgi_temp_path %1$s/tmp;
          server {
            listen 127.0.0.1:%2$d;
            root %1$s;
          }
        }
        """.formatted(dir, port));
    Process p = new ProcessBuilder(bin.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("logs/out.log").toFile())
        .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return new Nginx(p, port);
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("nginx did not start; see " + dir.resolve("logs"));
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
