package dev.cronloop.record;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The process that holds a {@link NodeLease}.
 *
 * @param node its node name
 * @param pid its process id
 * @param host its host name
 * @param pidNamespace its Linux pid namespace ({@code pid:[4026531836]}), or null when unknown:
 *     pids are compared only between processes of one host and one namespace
 * @param startedAt when its process started, on its host's clock
 */
public record LeaseHolder(String node, long pid, String host, String pidNamespace, Instant startedAt) {
  /**
   * This process, under node name {@code node}. Its start is the operating system's record of the
   * process (the wall clock only when the system does not say), not engine time.
   */
  public static LeaseHolder current(String node) {
    ProcessHandle self = ProcessHandle.current();
    return new LeaseHolder(node, self.pid(), ownHostName(), ownPidNamespace(),
        self.info().startInstant().orElse(Instant.now()));
  }

  /** True when {@code other} is a process of this host, in this pid namespace. */
  boolean sameHost(LeaseHolder other) {
    return host.equals(other.host) && pidNamespace != null && pidNamespace.equals(other.pidNamespace);
  }

  /** For a process of this host: whether it still runs (the same process, not a reused pid). */
  boolean running() {
    Optional<ProcessHandle> p = ProcessHandle.of(pid);
    if (p.isEmpty() || !p.get().isAlive()) {
      return false;
    }
    Optional<Instant> start = p.get().info().startInstant();
    return start.isEmpty() || Duration.between(start.get(), startedAt).abs().compareTo(Duration.ofSeconds(2)) < 0;
  }

  /** {@code node a (pid 4242 on host h, running since 2026-01-05T10:00:00Z)}. */
  public String describe() {
    return "node " + node + " (pid " + pid + " on host " + host + ", running since " + startedAt + ")";
  }

  private static String ownHostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "unknown";
    }
  }

  private static String ownPidNamespace() {
    try {
      return Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
    } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
      return null;
    }
  }
}
