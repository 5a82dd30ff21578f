package dev.cronloop.definition;

/** Which HTTP version a request speaks ({@code http:} in a job file). */
public enum Protocol {
  /** HTTP/2 over TLS when the server offers it through ALPN, else HTTP/1.1; HTTP/1.1 in clear. */
  AUTO,
  /** HTTP/1.1 only. */
  HTTP_1_1,
  /** HTTP/2: through ALPN over TLS, with prior knowledge (h2c) in clear text. */
  HTTP_2
}
