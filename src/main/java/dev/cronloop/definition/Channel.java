package dev.cronloop.definition;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One place notices go, as a channels file defines it (top level {@code channels:} in the jobs
 * folder; src/docs/notifications.md). Values that came from {@code ${VAR}} are {@link Secret}s and
 * never leave except to the channel itself. Immutable.
 */
public sealed interface Channel {

  /** The channel's name, as a job's {@code notify.channels} refers to it. */
  String name();

  /** Where the channel is defined. */
  Place place();

  /** {@code webhook}, {@code slack}, {@code email} or {@code ping}: what the metrics and tables call it. */
  String kind();

  /** A file, line and column, to point a problem at. */
  record Place(Path file, int line, int column) {}

  /** How an email channel meets STARTTLS. */
  enum StartTls {
    DISABLED,
    OPTIONAL,
    REQUIRED
  }

  /** A JSON POST of each notice, with these headers. */
  record Webhook(String name, Secret url, String urlAsWritten, Map<String, Secret> headers, Place place)
      implements Channel {
    public Webhook {
      headers = Map.copyOf(headers);
    }

    @Override
    public String kind() {
      return "webhook";
    }
  }

  /** A Slack or Mattermost incoming webhook: a POST of {@code {"text": ...}}. */
  record Slack(String name, Secret url, String urlAsWritten, Place place) implements Channel {
    @Override
    public String kind() {
      return "slack";
    }
  }

  /** Mail through an SMTP server. */
  record Email(
      String name,
      List<String> to,
      String from,
      String host,
      int port,
      Secret user,
      Secret password,
      StartTls starttls,
      Place place)
      implements Channel {
    public Email {
      to = List.copyOf(to);
    }

    @Override
    public String kind() {
      return "email";
    }
  }

  /** A GET after each successful run: a dead man's switch such as Healthchecks. */
  record Ping(String name, Secret url, String urlAsWritten, Place place) implements Channel {
    @Override
    public String kind() {
      return "ping";
    }
  }
}
