package dev.cronloop.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real SMTP server on loopback: Debian's {@code python3-aiosmtpd} ({@code python3 -m aiosmtpd -n
 * -l 127.0.0.1:PORT}), whose default handler prints each message it accepts. A machine without it
 * fails the test with the command that installs it ({@code .ci/test} installs it when run as root).
 */
public final class SmtpServer implements AutoCloseable {
  private final Process process;
  private final Path out;
  private final int port;

  private SmtpServer(Process process, Path out, int port) {
    this.process = process;
    this.out = out;
    this.port = port;
  }

  public static SmtpServer start() throws Exception {
    String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    Process check = new ProcessBuilder(python, "-c", "import aiosmtpd").redirectErrorStream(true).start();
    if (!check.waitFor(30, TimeUnit.SECONDS) || check.exitValue() != 0) {
      throw new AssertionError("the email test needs a real SMTP server, Debian's python3-aiosmtpd, and "
          + python + " cannot import it; run: sudo apt-get install -y python3-aiosmtpd (bash .ci/test does this as root)");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path out = Files.createTempFile("cronloop-smtp", ".out");
    Process p = new ProcessBuilder(python, "-u", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    SmtpServer server = new SmtpServer(p, out, port);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < until) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        try (InputStream in = s.getInputStream()) {
          if (in.read() == '2') { // its 220 greeting
            return server;
          }
        }
      } catch (IOException e) {
        if (!p.isAlive()) {
          break;
        }
        Thread.onSpinWait();
      }
    }
    server.close();
    throw new AssertionError("aiosmtpd did not start on port " + port + ": " + server.output());
  }

  public int port() {
    return port;
  }

  /** Everything the server printed: each message between MESSAGE FOLLOWS and END MESSAGE. */
  public String output() {
    try {
      return Files.readString(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** The messages received so far, each with its headers and body. */
  public List<String> messages() {
    List<String> messages = new ArrayList<>();
    for (String part : output().split("---------- MESSAGE FOLLOWS ----------")) {
      int end = part.indexOf("------------ END MESSAGE ------------");
      if (end >= 0) {
        messages.add(part.substring(0, end));
      }
    }
    return messages;
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    Files.deleteIfExists(out);
  }
}
