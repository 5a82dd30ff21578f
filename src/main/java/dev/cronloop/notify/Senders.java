package dev.cronloop.notify;

import dev.cronloop.definition.Channel;
import dev.cronloop.definition.Secret;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends one delivery to one channel: a JSON POST (webhook), an incoming-webhook message (slack), a
 * GET (ping) or a mail (email, through vertx-mail-client). A failed Future says why in words that
 * hold no secret: a substituted URL or header value is replaced by the text as written.
 *
 * <p>Confined to the notifier's context.
 */
final class Senders {
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private final Vertx vertx;
  private final HttpClient http;
  private final Duration timeout;
  private final Map<Channel.Email, MailClient> mail = new HashMap<>();

  Senders(Vertx vertx, Duration timeout) {
    this.vertx = vertx;
    this.timeout = timeout;
    this.http = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) Math.min(timeout.toMillis(), Integer.MAX_VALUE))
        .setKeepAlive(false));
  }

  Future<Void> send(Channel channel, Delivery d) {
    JsonObject payload = new JsonObject(d.payload());
    if (d.noticeId() != null) {
      payload.put("notice", d.noticeId());
    }
    if (channel instanceof Channel.Webhook w) {
      return request(HttpMethod.POST, w.url(), w.urlAsWritten(), w.headers(), d, payload.toBuffer());
    }
    if (channel instanceof Channel.Slack s) {
      return request(HttpMethod.POST, s.url(), s.urlAsWritten(), Map.of(), d,
          new JsonObject().put("text", Payload.text(payload)).toBuffer());
    }
    if (channel instanceof Channel.Ping p) {
      return request(HttpMethod.GET, p.url(), p.urlAsWritten(), Map.of(), d, null);
    }
    return mail((Channel.Email) channel, d, payload);
  }

  private Future<Void> request(HttpMethod method, Secret url, String asWritten, Map<String, Secret> headers,
      Delivery d, Buffer body) {
    RequestOptions o = new RequestOptions().setMethod(method).setAbsoluteURI(url.reveal())
        .setIdleTimeout(timeout.toMillis()).setConnectTimeout(timeout.toMillis());
    headers.forEach((name, value) -> o.putHeader(name, value.reveal()));
    if (body != null) {
      o.putHeader("Content-Type", "application/json");
    }
    if (d.noticeId() != null) {
      o.putHeader(IDEMPOTENCY_KEY, d.noticeId());
    }
    List<Secret> secrets = new ArrayList<>(headers.values());
    return http.request(o)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().compose(b -> resp.statusCode() / 100 == 2
            ? Future.<Void>succeededFuture()
            : Future.failedFuture("HTTP " + resp.statusCode())))
        .recover(e -> Future.failedFuture(clean(e, url, asWritten, secrets)));
  }

  private Future<Void> mail(Channel.Email e, Delivery d, JsonObject payload) {
    MailClient client = mail.computeIfAbsent(e, this::mailClient);
    MailMessage m = new MailMessage()
        .setFrom(e.from())
        .setTo(e.to())
        .setSubject("[cronloop] " + Payload.summary(payload))
        .setText(Payload.text(payload) + "\n" + payload.encodePrettily() + "\n");
    if (d.noticeId() != null) {
      m.setHeaders(MultiMap.caseInsensitiveMultiMap().add(IDEMPOTENCY_KEY, d.noticeId())
          .add("Message-ID", "<" + d.noticeId() + "@cronloop>"));
    }
    List<Secret> secrets = new ArrayList<>();
    if (e.password() != null) {
      secrets.add(e.password());
      secrets.add(e.user());
    }
    return client.sendMail(m).<Void>mapEmpty()
        .recover(err -> Future.failedFuture(clean(err, null, null, secrets)));
  }

  private MailClient mailClient(Channel.Email e) {
    MailConfig config = new MailConfig()
        .setHostname(e.host())
        .setPort(e.port())
        .setStarttls(StartTLSOptions.valueOf(e.starttls().name()))
        .setConnectTimeout((int) timeout.toMillis())
        .setOwnHostname("cronloop") // else EHLO names the host by a lookup that may take seconds
        .setKeepAlive(false);
    if (e.user() != null) {
      config.setLogin(LoginOption.REQUIRED).setUsername(e.user().reveal()).setPassword(e.password().reveal());
    } else {
      config.setLogin(LoginOption.DISABLED);
    }
    return MailClient.create(vertx, config);
  }

  /** The error's words, with every secret replaced: the URL by its text as written, others by ***. */
  static String clean(Throwable e, Secret url, String asWritten, List<Secret> secrets) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (url != null && !url.reveal().isEmpty()) {
      m = m.replace(url.reveal(), asWritten);
    }
    for (Secret s : secrets) {
      if (s != null && !s.reveal().isEmpty()) {
        m = m.replace(s.reveal(), "***");
      }
    }
    return m.length() > 500 ? m.substring(0, 500) : m;
  }

  Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    closing.add(http.close());
    mail.values().forEach(c -> closing.add(c.close()));
    mail.clear();
    return Future.join(closing).mapEmpty();
  }
}
