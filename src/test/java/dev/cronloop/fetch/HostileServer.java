package dev.cronloop.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw TCP server on 127.0.0.1 that misbehaves as told: each accepted connection is handed to
 * its {@link Behaviour} on a thread of its own. Nothing HTTP-shaped protects the client from it.
 */
final class HostileServer implements AutoCloseable {
  /** What the server does with one connection. */
  @FunctionalInterface
  interface Behaviour {
    void serve(Socket s, InputStream in, OutputStream out) throws Exception;
  }

  private final ServerSocket socket;
  private final Behaviour behaviour;
  private final AtomicInteger accepted = new AtomicInteger();
  private final Thread acceptor;

  HostileServer(Behaviour behaviour) throws IOException {
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.behaviour = behaviour;
    this.acceptor = new Thread(this::accept, "hostile-accept");
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  String url(String scheme, String path) {
    return scheme + "://127.0.0.1:" + socket.getLocalPort() + path;
  }

  int accepted() {
    return accepted.get();
  }

  /** Reads a request head up to its blank line; the body, if any, is left unread. */
  static String readHead(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      sb.append((char) c);
      if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) {
        break;
      }
    }
    return sb.toString();
  }

  static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        accepted.incrementAndGet();
        Thread t = new Thread(() -> serve(s), "hostile-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      behaviour.serve(s, s.getInputStream(), s.getOutputStream());
    } catch (Exception e) {
      // the client hung up on us: that is what a good client does to a hostile server
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
