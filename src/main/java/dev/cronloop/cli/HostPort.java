package dev.cronloop.cli;

import java.net.InetSocketAddress;
import picocli.CommandLine;

/** Parses {@code HOST:PORT} (or {@code [v6]:PORT}) for {@code --http}; {@code cmd} reports errors. */
final class HostPort {
  private HostPort() {}

  static InetSocketAddress parse(String text, CommandLine cmd) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new CommandLine.ParameterException(
          cmd, "--http must be HOST:PORT, e.g. 127.0.0.1:8080; got " + text);
    }
    String host = text.substring(0, colon).replace("[", "").replace("]", "");
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return InetSocketAddress.createUnresolved(host, port);
    } catch (NumberFormatException e) {
      throw new CommandLine.ParameterException(
          cmd, "--http port must be 0-65535; got " + text);
    }
  }
}
