package dev.cronloop.testkit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Debian's headless Chromium driven over the DevTools protocol (a WebSocket on 127.0.0.1), for
 * browser tests and the status page benchmark: navigate, evaluate JavaScript, press keys, take
 * screenshots, and note what the page logged and requested. One browser, one page.
 *
 * <p>Missing Chromium fails with a message naming the fix; tests never skip in silence.
 */
public final class Chromium implements AutoCloseable {
  /** Names of Debian's (and Ubuntu's) Chromium, looked up on the PATH. */
  public static final List<String> NAMES = List.of("chromium", "chromium-browser");

  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final WebSocket socket;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<JsonObject>> calls = new ConcurrentHashMap<>();
  private final Map<String, String> requestUrls = new ConcurrentHashMap<>();

  /** Console errors and warnings, uncaught exceptions and failed loads, as text. */
  public final List<String> problems = new CopyOnWriteArrayList<>();

  /** Every URL the page requested. */
  public final List<String> requested = new CopyOnWriteArrayList<>();

  /** Every response the page received: its URL and its size on the wire. */
  public final List<Response> responses = new CopyOnWriteArrayList<>();

  /** One response: its URL and bytes received for it (headers and body, as sent). */
  public record Response(String url, long bytes) {}

  private Chromium(Process process, WebSocket socket) {
    this.process = process;
    this.socket = socket;
  }

  /** Chromium from the PATH; missing, fails and names the fix. */
  public static Path find() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String name : NAMES) {
      for (String folder : path.split(File.pathSeparator)) {
        Path candidate = Path.of(folder.isEmpty() ? "." : folder, name);
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    throw new AssertionError("the status page test needs Chromium: no " + String.join(" or ", NAMES)
        + " on the PATH (" + path + "); install it with: sudo apt-get update && sudo apt-get install -y chromium,"
        + " or run the tests with: bash .ci/test (installs it when run as root)");
  }

  /** Starts headless Chromium with a throwaway profile under {@code dir} and attaches to its page. */
  public static Chromium start(Path dir) throws Exception {
    Path profile = Files.createTempDirectory(dir, "chromium");
    Path log = Files.createTempFile(dir, "chromium", ".log");
    Process p = new ProcessBuilder(find().toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-dev-shm-usage", "--hide-scrollbars", "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0", "--user-data-dir=" + profile, "--window-size=1280,900", "about:blank")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Path portFile = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new AssertionError("chromium did not open its DevTools port:\n" + Files.readString(log));
      }
      Thread.sleep(5);
    }
    int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
    HttpClient http = HttpClient.newHttpClient();
    String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    String ws = null;
    for (Object o : new JsonArray(list)) {
      JsonObject t = (JsonObject) o;
      if ("page".equals(t.getString("type"))) {
        ws = t.getString("webSocketDebuggerUrl");
        break;
      }
    }
    if (ws == null) {
      p.destroyForcibly();
      throw new AssertionError("chromium shows no page target: " + list);
    }
    Listener listener = new Listener();
    WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(ws), listener).get(30, TimeUnit.SECONDS);
    Chromium c = new Chromium(p, socket);
    listener.owner = c;
    for (String domain : List.of("Runtime", "Log", "Network", "Page")) {
      c.call(domain + ".enable", new JsonObject());
    }
    return c;
  }

  /** Sends one DevTools command and waits for its result. */
  public JsonObject call(String method, JsonObject params) throws Exception {
    long id = ids.incrementAndGet();
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    calls.put(id, answer);
    socket.sendText(new JsonObject().put("id", id).put("method", method).put("params", params).encode(), true)
        .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    JsonObject m = answer.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (m.containsKey("error")) {
      throw new IllegalStateException(method + " failed: " + m.getJsonObject("error").encode());
    }
    return m.getJsonObject("result", new JsonObject());
  }

  /** Opens a URL in the page. */
  public void navigate(String url) throws Exception {
    call("Page.navigate", new JsonObject().put("url", url));
  }

  /** The value of a JavaScript expression (awaited when it is a promise); throws what the page threw. */
  public Object eval(String expression) throws Exception {
    JsonObject r = call("Runtime.evaluate", new JsonObject().put("expression", expression)
        .put("awaitPromise", true).put("returnByValue", true));
    if (r.containsKey("exceptionDetails")) {
      throw new IllegalStateException("page threw on " + expression + ": " + r.getJsonObject("exceptionDetails").encode());
    }
    return r.getJsonObject("result").getValue("value");
  }

  /** {@link #eval} as a string ("null" for null). */
  public String text(String expression) throws Exception {
    return String.valueOf(eval(expression));
  }

  /** Presses a key (e.g. "Enter", "Tab") on the focused element. */
  public void press(String key, int keyCode) throws Exception {
    for (String type : List.of("rawKeyDown", "keyUp")) {
      call("Input.dispatchKeyEvent", new JsonObject().put("type", type).put("key", key)
          .put("code", key).put("windowsVirtualKeyCode", keyCode).put("nativeVirtualKeyCode", keyCode));
    }
  }

  /** Saves a PNG of the whole page at this viewport width. */
  public void screenshot(Path file, int width, int height) throws Exception {
    call("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", width).put("height", height)
        .put("deviceScaleFactor", 1).put("mobile", width < 600));
    JsonObject shot = call("Page.captureScreenshot", new JsonObject().put("format", "png").put("captureBeyondViewport", true));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, Base64.getDecoder().decode(shot.getString("data")));
    call("Emulation.clearDeviceMetricsOverride", new JsonObject());
  }

  private void event(JsonObject m) {
    String method = m.getString("method");
    JsonObject p = m.getJsonObject("params", new JsonObject());
    switch (method == null ? "" : method) {
      case "Runtime.consoleAPICalled" -> {
        if (List.of("error", "warning", "assert").contains(p.getString("type"))) {
          problems.add("console " + p.getString("type") + ": " + p.getJsonArray("args").encode());
        }
      }
      case "Runtime.exceptionThrown" -> problems.add("uncaught: " + p.getJsonObject("exceptionDetails").encode());
      case "Log.entryAdded" -> {
        JsonObject e = p.getJsonObject("entry");
        if (List.of("error", "warning").contains(e.getString("level"))) {
          problems.add("log " + e.getString("level") + ": " + e.getString("text") + " " + e.getString("url", ""));
        }
      }
      case "Network.requestWillBeSent" -> {
        String url = p.getJsonObject("request").getString("url");
        requested.add(url);
        requestUrls.put(p.getString("requestId"), url);
      }
      case "Network.loadingFinished" -> responses.add(new Response(
          requestUrls.getOrDefault(p.getString("requestId"), "?"), p.getLong("encodedDataLength", 0L)));
      case "Network.loadingFailed" -> problems.add("load failed: " + requestUrls.get(p.getString("requestId"))
          + " " + p.getString("errorText"));
      default -> { }
    }
  }

  @Override
  public void close() throws Exception {
    try {
      socket.sendText(new JsonObject().put("id", ids.incrementAndGet()).put("method", "Browser.close").encode(), true);
    } catch (RuntimeException e) {
      // the process goes below either way
    }
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Puts a message together from its fragments and hands it on. */
  private static final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();
    volatile Chromium owner;

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        JsonObject m = new JsonObject(text.toString());
        text.setLength(0);
        Chromium c = owner;
        if (c != null) {
          if (m.containsKey("id")) {
            CompletableFuture<JsonObject> f = c.calls.remove(m.getLong("id"));
            if (f != null) {
              f.complete(m);
            }
          } else {
            c.event(m);
          }
        }
      }
      ws.request(1);
      return null;
    }
  }

  /** The URLs the page requested from anywhere but this origin (data: URLs aside). */
  public List<String> requestedOutside(String origin) {
    return requested.stream().filter(u -> !u.startsWith(origin) && !u.startsWith("data:") && !u.equals("about:blank")).toList();
  }

  @Override
  public String toString() {
    return "Chromium(problems=" + problems + ")";
  }
}
