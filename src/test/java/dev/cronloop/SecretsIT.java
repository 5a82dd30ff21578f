package dev.cronloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.testkit.ChildProcess;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LoopbackServer;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cronloop run} as a child process with secrets in its environment: no secret reaches a
 * row, a log line, an error or an API answer; the only sockets it listens on are the API's
 * loopback address and H2's mixed-mode port, which takes no connection from another address.
 */
@Timeout(180)
class SecretsIT {
  private static final Map<String, String> SECRETS = Map.of(
      "API_TOKEN", "tok-7f3a9c1e55d04b2b",
      "SESSION_COOKIE", "ck-0b9e77d1a2c3f4e5",
      "QUERY_KEY", "qk-5d5e6f7a8b9c0d1e",
      "PATH_SECRET", "ps-1a2b3c4d5e6f7a8b",
      "PW", "pw-9f8e7d6c5b4a3f2e",
      "BODY_SECRET", "bs-3c4d5e6f7a8b9c0d",
      "CRONLOOP_TOKEN", "api-6e5d4c3b2a1f0e9d8c7b");

  @TempDir Path dir;

  @Test
  void no_secret_in_rows_logs_errors_or_api_answers_and_only_expected_ports_listen() throws Exception {
    try (LoopbackServer target = LoopbackServer.start()) {
      Path jobs = dir.resolve("jobs");
      JobFiles.write(jobs, "secretive.yaml", """
          schedule: "* * * * * ?"
          headers: { Authorization: "Bearer ${API_TOKEN}", Cookie: "session=${SESSION_COOKIE}" }
          requests:
            - url: %s
              query: { key: "${QUERY_KEY}" }
            - http://127.0.0.1:1/${PATH_SECRET}
            - url: %s
              auth: { user: me, password: "${PW}" }
              expect: { bodyContains: "${BODY_SECRET}" }
            - url: %s
              method: POST
              body: '{"token": "${API_TOKEN}"}'
          """.formatted(target.url("/status/500/a"), target.url("/ok"), target.url("/reset/b")));
      JobFiles.write(jobs, "broken.yaml", """
          schedule: "* * * * * ?"
          headers: { X-Key: "${API_TOKEN}" }
          requests: [ "not a url ${PW}" ]
          """);
      String db = "jdbc:h2:file:" + dir.resolve("db/cronloop");

      List<String> answers = new ArrayList<>();
      try (ChildProcess child = ChildProcess.cronloop(SECRETS,
          "run", "--jobs", jobs.toString(), "--db", db, "--http", "127.0.0.1:0", "--node", "n1")) {
        await().atMost(Duration.ofSeconds(40)).until(() -> target.received() >= 9);
        int port = apiPort(child);
        String base = "http://127.0.0.1:" + port;
        for (String path : List.of("/api/jobs", "/api/jobs/secretive", "/api/jobs/broken", "/api/runs?limit=50",
            "/health", "/ready", "/metrics", "/", "/api/runs/abc", "/api/jobs/nope")) {
          answers.add(path + " -> " + get(base + path).body());
        }
        String firstRun = get(base + "/api/runs?job=secretive&limit=1").body();
        Matcher id = Pattern.compile("\"id\"\\s*:\\s*(\\d+)").matcher(firstRun);
        assertThat(id.find()).as(firstRun).isTrue();
        answers.add(get(base + "/api/runs/" + id.group(1)).body());
        answers.add(post(base + "/api/jobs/secretive/trigger", null).body()); // 401
        answers.add(post(base + "/api/jobs/secretive/trigger", "wrong-token-0123456789").body());
        answers.add(post(base + "/api/jobs/secretive/pause", SECRETS.get("CRONLOOP_TOKEN")).body());

        Set<Integer> listening = listeningPorts(child.pid());
        int h2 = h2Port(dir.resolve("db"));
        assertThat(listening).as("ports the process listens on").containsExactlyInAnyOrder(port, h2);
        assertThat(listenAddresses(child.pid(), port)).as("API bind address").containsOnly("127.0.0.1");
        assertThat(listenAddresses(child.pid(), h2)).as("H2 mixed-mode bind address").containsOnly("127.0.0.1");
        Optional<InetAddress> other = nonLoopbackAddress();
        if (other.isPresent()) {
          // nothing listens on the machine's other address: the connection itself is refused
          assertThat(h2Answers(other.get(), h2, db)).as("H2 over " + other.get()).contains("Connection refused");
        }
        // over loopback, H2 answers, and still wants the database's key (mixed mode's own password)
        assertThat(h2Answers(InetAddress.getLoopbackAddress(), h2, db)).contains("Wrong user name or password");

        child.signalTerm();
        assertThat(child.waitFor(Duration.ofSeconds(60))).isZero();
        answers.add(child.output());
      }

      List<String> rows = allRows(db);
      assertThat(rows).as("fetch rows").anyMatch(r -> r.contains("CONNECT_ERROR"));
      assertThat(rows).anyMatch(r -> r.contains("CHECK_FAILED"));
      String everything = String.join("\n", rows) + "\n" + String.join("\n", answers);
      for (Map.Entry<String, String> s : SECRETS.entrySet()) {
        assertThat(everything).as("where " + s.getKey() + " could leak").doesNotContain(s.getValue());
      }
      assertThat(everything).doesNotContain("Basic bWU6"); // "me:" base64, the start of the basic auth
    }
  }

  /** Every row of every table, as text. */
  private static List<String> allRows(String db) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(db + ";AUTO_SERVER=TRUE")) {
      for (String table : List.of("runs", "fetches")) {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT * FROM " + table)) {
          ResultSetMetaData m = rs.getMetaData();
          while (rs.next()) {
            StringBuilder sb = new StringBuilder(table);
            for (int i = 1; i <= m.getColumnCount(); i++) {
              sb.append(' ').append(rs.getString(i));
            }
            rows.add(sb.toString());
          }
        }
      }
    }
    return rows;
  }

  private static int apiPort(ChildProcess child) {
    child.awaitOutput("cronloop started", Duration.ofSeconds(30));
    Matcher m = Pattern.compile("http 127\\.0\\.0\\.1:(\\d+)").matcher(child.output());
    assertThat(m.find()).as(child.output()).isTrue();
    return Integer.parseInt(m.group(1));
  }

  /** The port H2's mixed mode wrote to its lock file ({@code server=IP:PORT}). */
  private static int h2Port(Path dbFolder) throws Exception {
    String lock = Files.readString(dbFolder.resolve("cronloop.lock.db"), java.nio.charset.StandardCharsets.ISO_8859_1);
    Matcher m = Pattern.compile("server=[^:\\s]+:(\\d+)").matcher(lock);
    assertThat(m.find()).as(lock).isTrue();
    return Integer.parseInt(m.group(1));
  }

  /** How H2 answers a session over {@code from}: "open", or its error. */
  private static String h2Answers(InetAddress from, int port, String db) {
    String file = db.substring("jdbc:h2:file:".length());
    String host = from.getHostAddress();
    try (Connection c = DriverManager.getConnection("jdbc:h2:tcp://" + host + ":" + port + "/" + file)) {
      return c.isValid(2) ? "open" : "not valid";
    } catch (SQLException e) {
      return e.getMessage();
    }
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
    for (NetworkInterface n : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!n.isUp() || n.isLoopback()) {
        continue;
      }
      for (InetAddress a : java.util.Collections.list(n.getInetAddresses())) {
        if (a instanceof Inet4Address) {
          return Optional.of(a);
        }
      }
    }
    return Optional.empty();
  }

  /** Ports in LISTEN state on sockets the process holds, from /proc/net/tcp{,6} and /proc/PID/fd. */
  private static Set<Integer> listeningPorts(long pid) throws Exception {
    Set<Integer> ports = new HashSet<>();
    for (String[] socket : listening(pid)) {
      ports.add(Integer.parseInt(socket[1], 16));
    }
    return ports;
  }

  private static Set<String> listenAddresses(long pid, int port) throws Exception {
    Set<String> addresses = new HashSet<>();
    for (String[] socket : listening(pid)) {
      if (Integer.parseInt(socket[1], 16) == port) {
        String hex = socket[0].startsWith("0000000000000000FFFF0000") ? socket[0].substring(24) : socket[0];
        addresses.add(hex.length() == 8 ? ipv4(hex) : hex); // IPv4, or IPv4 mapped into IPv6
      }
    }
    return addresses;
  }

  /** [hex address, hex port] of each listening socket of the process. */
  private static List<String[]> listening(long pid) throws Exception {
    Set<String> inodes = new HashSet<>();
    try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (java.io.IOException gone) {
          // closed while listing
        }
      }
    }
    List<String[]> found = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      for (String line : Files.readAllLines(Path.of(table)).subList(1, Files.readAllLines(Path.of(table)).size())) {
        String[] f = line.trim().split("\\s+");
        if (f[3].equals("0A") && inodes.contains(f[9])) {
          found.add(f[1].split(":"));
        }
      }
    }
    return found;
  }

  private static String ipv4(String hex) {
    long v = Long.parseLong(hex, 16);
    return (v & 0xff) + "." + ((v >> 8) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 24) & 0xff);
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
