package dev.cronloop.definition;

import java.nio.file.Path;

/**
 * How a request checks the server's certificate. Verification is on unless {@code insecure}.
 *
 * @param insecure true to accept any certificate and host name (logged at WARN when a job loads)
 * @param caFile the PEM file of trusted authorities as resolved, or null for the JVM's defaults
 * @param caPem the content of {@code caFile}, read when the job loaded, or null
 */
public record Tls(boolean insecure, Path caFile, String caPem) {
  public static final Tls DEFAULT = new Tls(false, null, null);

  @Override
  public String toString() {
    return "Tls[insecure=" + insecure + ", caFile=" + caFile + "]";
  }
}
