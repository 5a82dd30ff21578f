package dev.cronloop.definition;

import static dev.cronloop.definition.JobFileParser.readUtf8;

import dev.cronloop.definition.NodeReader.Value;
import dev.cronloop.definition.SourceTree.Field;
import dev.cronloop.definition.SourceTree.MapNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the {@code auth} and {@code tls} blocks of a job or one of its requests. It reads the CA
 * files {@code tls.caFile} names and keeps their text, which goes into the job's content hash.
 *
 * <p>Runs on: the thread that parses the file (it reads files: never the event loop). Used for one
 * document, then dropped.
 */
final class TlsAuthReader {
  static final List<String> TLS_KEYS = List.of("insecure", "caFile");
  static final List<String> AUTH_KEYS = List.of("user", "password", "bearer");

  private final NodeReader nodes;
  private final Path file;
  private final StringBuilder caContents = new StringBuilder();

  TlsAuthReader(NodeReader nodes) {
    this.nodes = nodes;
    this.file = nodes.file();
  }

  /** The text of every CA file read so far, in the order read. */
  String caContents() {
    return caContents.toString();
  }

  Auth readAuth(Field f, String where) {
    if (f == null) {
      return null;
    }
    MapNode m =
        nodes.mapping(
            f,
            "auth must be a mapping",
            "write auth: { user: me, password: \"${PASSWORD}\" } or auth: { bearer: "
                + "\"${TOKEN}\" }");
    if (m == null) {
      return null;
    }
    nodes.checkKeys(m, AUTH_KEYS, "in auth " + where);
    Field user = m.fields().get("user");
    Field password = m.fields().get("password");
    Field bearer = m.fields().get("bearer");
    if (bearer != null && (user != null || password != null)) {
      nodes.problem(m.pos(), "auth has both bearer and user/password; keep one kind " + where);
      return null;
    }
    if (bearer != null) {
      Value t = nodes.string(bearer, "a token");
      return t == null ? null : new Auth.Bearer(Secret.of(t.text()));
    }
    if (user == null || password == null) {
      nodes.problem(
          m.pos(),
          "auth needs user and password for basic auth, or bearer for a token " + where);
      return null;
    }
    Value u = nodes.string(user, "a user name");
    Value pw = nodes.string(password, "a password");
    return u == null || pw == null
        ? null
        : new Auth.Basic(Secret.of(u.text()), Secret.of(pw.text()));
  }

  Tls readTls(Field f, String where) {
    if (f == null) {
      return null;
    }
    MapNode m = nodes.mapping(f, "tls must be a mapping", "write e.g. tls: { caFile: ca.pem }");
    if (m == null) {
      return null;
    }
    nodes.checkKeys(m, TLS_KEYS, "in tls " + where);
    boolean insecure = nodes.readBoolean(m.fields().get("insecure"), false);
    Field ca = m.fields().get("caFile");
    if (ca == null) {
      return new Tls(insecure, null, null);
    }
    Value v = nodes.string(ca, "a PEM file name");
    if (v == null) {
      return null;
    }
    Path target;
    try {
      target = file.toAbsolutePath().getParent().resolve(v.text()).normalize();
    } catch (InvalidPathException e) {
      nodes.problem(
          v.source().pos(), "tls.caFile is not a valid path (found " + nodes.quoted(v) + ")");
      return null;
    }
    String pem;
    try {
      pem = readUtf8(target);
    } catch (IOException e) {
      nodes.problem(
          v.source().pos(),
          "tls.caFile "
              + nodes.quoted(v)
              + " cannot be read ("
              + e.getClass().getSimpleName()
              + "); give the path of a PEM file, relative to this job file or absolute");
      return null;
    }
    try {
      var certs =
          java.security.cert.CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)));
      if (certs.isEmpty()) {
        throw new java.security.cert.CertificateException("no certificate");
      }
    } catch (java.security.cert.CertificateException e) {
      nodes.problem(
          v.source().pos(),
          "tls.caFile "
              + nodes.quoted(v)
              + " holds no PEM certificate; give a file with -----BEGIN CERTIFICATE----- blocks");
      return null;
    }
    caContents.append(pem);
    return new Tls(insecure, target, pem);
  }
}
