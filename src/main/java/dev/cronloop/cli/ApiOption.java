package dev.cronloop.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The options of the commands that talk to a running engine: {@code --api} and {@code --token-file}. */
final class ApiOption {
  static final String DEFAULT_API = "http://127.0.0.1:8080";

  @Option(
      names = "--api",
      paramLabel = "URL",
      defaultValue = DEFAULT_API,
      description = "A running engine's HTTP address, as cronloop run --http serves it, with the path"
          + " it is mounted under if embedded (default: ${DEFAULT-VALUE}).")
  String url;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "A file holding the engine's bearer token (or set CRONLOOP_TOKEN); never on the"
          + " command line.")
  Path tokenFile;

  /**
   * The API's base address without a trailing slash. {@code HOST:PORT} alone means http; anything
   * but an http(s) URL with a host is a usage error.
   */
  URI base(CommandLine cmd) {
    String text = url.strip();
    if (!text.contains("://")) {
      text = "http://" + text;
    }
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    try {
      URI uri = new URI(text);
      if ((uri.getScheme().equals("http") || uri.getScheme().equals("https")) && uri.getHost() != null) {
        return uri;
      }
    } catch (java.net.URISyntaxException e) {
      // reported below
    }
    throw new CommandLine.ParameterException(cmd, "--api must be the engine's address such as "
        + DEFAULT_API + " or http://HOST:PORT/PATH; got " + url);
  }

  /** The client for the engine at {@link #base}, with the token if one is given. */
  EngineApi connect(CommandLine cmd, Function<String, String> env) {
    URI base = base(cmd);
    String token = TokenFile.read(tokenFile, env.apply(TokenFile.ENV), cmd);
    String source = token == null ? null : tokenFile != null ? "--token-file " + tokenFile : TokenFile.ENV;
    return new EngineApi(base, token, source);
  }
}
