package dev.cronloop.model;

/** How one fetch ended, as stored in {@code fetches.outcome}. */
public enum Outcome {
  /** A response arrived and passed every check. */
  OK,
  /** A response arrived with an accepted status but failed another check. */
  CHECK_FAILED,
  /** A response arrived with a status the job does not accept, or was not valid HTTP. */
  HTTP_ERROR,
  /** No complete response within the request's timeout. */
  TIMEOUT,
  /** The connection could not be made, or broke: refused, reset, closed, connect timeout. */
  CONNECT_ERROR,
  /** The host name did not resolve. */
  DNS_ERROR,
  /** The TLS handshake failed or the certificate was not trusted. */
  TLS_ERROR,
  /** The body was larger than allowed; the connection was closed. */
  BODY_TOO_LARGE,
  /** The run was cancelled before this fetch ended. */
  CANCELLED,
  /**
   * The database refused this fetch's row as it was (a value it cannot hold); the row keeps what
   * could be kept and the database's message in {@code error}.
   */
  RECORD_ERROR
}
