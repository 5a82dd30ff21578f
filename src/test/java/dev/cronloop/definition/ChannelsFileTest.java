package dev.cronloop.definition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.testkit.JobFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Channels files and a job's notify and failWhen: what loads, and each problem's place. */
class ChannelsFileTest {
  @TempDir Path dir;
  private static final Map<String, String> ENV = Map.of("HOOK_TOKEN", "s3cr3t-token", "SMTP_PASSWORD", "pw-9f8e");

  private Catalog load() {
    return JobFolder.load(dir, ENV::get);
  }

  @Test
  void a_channels_file_defines_every_kind_and_is_never_taken_for_a_job() throws Exception {
    JobFiles.write(dir, "channels.yaml", """
        channels:
          ops:      { webhook: "http://127.0.0.1:9000/hook", headers: { Authorization: "Bearer ${HOOK_TOKEN}" } }
          chat:     { slack: "https://hooks.example.org/T/${HOOK_TOKEN}" }
          oncall:   { email: { to: [ops@example.org], from: cronloop@example.org, smtp: "127.0.0.1:2525", user: me, password: "${SMTP_PASSWORD}", starttls: required } }
          deadman:  { ping: "https://hc.example.org/ping/abc" }
        """);

    Catalog c = load();

    assertThat(c.problems()).isEmpty();
    assertThat(c.jobs()).isEmpty();
    assertThat(c.channels()).containsOnlyKeys("ops", "chat", "oncall", "deadman");
    Channel.Webhook ops = (Channel.Webhook) c.channels().get("ops");
    assertThat(ops.headers().get("Authorization").reveal()).isEqualTo("Bearer s3cr3t-token");
    assertThat(ops.toString()).doesNotContain("s3cr3t");
    Channel.Slack chat = (Channel.Slack) c.channels().get("chat");
    assertThat(chat.urlAsWritten()).isEqualTo("https://hooks.example.org/T/${HOOK_TOKEN}");
    assertThat(chat.toString()).doesNotContain("s3cr3t");
    Channel.Email mail = (Channel.Email) c.channels().get("oncall");
    assertThat(mail.port()).isEqualTo(2525);
    assertThat(mail.starttls()).isEqualTo(Channel.StartTls.REQUIRED);
    assertThat(mail.toString()).doesNotContain("pw-9f8e");
  }

  @Test
  void a_job_reads_notify_and_fail_when() throws Exception {
    JobFiles.write(dir, "channels.yaml", "channels:\n  ops: { webhook: \"http://127.0.0.1:9/h\" }\n");
    JobFiles.write(dir, "routers.yaml", """
        schedule: "@every 1m"
        notify: { channels: [ops], after: 2, repeat: 1h, on: [failure] }
        failWhen: { failed: 2.5% }
        requests: [ "http://127.0.0.1:9/a" ]
        """);

    JobDefinition job = load().job("routers").orElseThrow();

    assertThat(job.notices().channelNames()).containsExactly("ops");
    assertThat(job.notices().after()).isEqualTo(2);
    assertThat(job.notices().repeat()).isEqualTo(Duration.ofHours(1));
    assertThat(job.notices().on()).containsExactly(Notify.On.FAILURE);
    assertThat(job.failWhen().failed(10_000, 249)).isFalse();
    assertThat(job.failWhen().failed(10_000, 250)).isTrue();
  }

  @Test
  void an_unknown_channel_name_is_a_problem_at_its_place_and_the_job_still_runs() throws Exception {
    JobFiles.write(dir, "channels.yaml", "channels:\n  ops: { webhook: \"http://127.0.0.1:9/h\" }\n");
    JobFiles.write(dir, "routers.yaml", """
        schedule: "@every 1m"
        notify: { channels: [ops, opz] }
        requests: [ "http://127.0.0.1:9/a" ]
        """);

    Catalog c = load();

    assertThat(c.problems()).extracting(Object::toString).containsExactly(
        dir.resolve("routers.yaml") + ":2:27: notify names channel \"opz\", which no channels file defines;"
            + " did you mean \"ops\"?");
    assertThat(c.job("routers")).isPresent();
    assertThat(c.state("routers").orElseThrow().status()).isEqualTo(JobState.Status.INVALID);
  }

  @Test
  void bad_channels_and_bad_notify_keys_are_problems_at_file_line_col() throws Exception {
    JobFiles.write(dir, "channels.yaml", """
        channels:
          ops: { webhook: "ftp://x" }
          two: { webhook: "http://a/", slack: "http://b/" }
          mail: { email: { to: [nobody], smtp: "h:99999" } }
          tok: { webhook: "http://127.0.0.1/${NOT_SET}" }
        """);
    JobFiles.write(dir, "job.yaml", """
        schedule: "@every 1m"
        notify: { channels: [ops], aftr: 2, after: 0 }
        failWhen: { failed: 120% }
        requests: [ "http://127.0.0.1:9/a" ]
        """);

    Catalog c = load();

    assertThat(c.problems()).extracting(Object::toString)
        .anySatisfy(p -> assertThat(p).startsWith(dir.resolve("channels.yaml") + ":2:19: webhook must be an absolute http"))
        .anySatisfy(p -> assertThat(p).startsWith(dir.resolve("channels.yaml") + ":3:8: channel \"two\" must have exactly one of"))
        .anySatisfy(p -> assertThat(p).contains(":4:25: \"nobody\" is not a mail address"))
        .anySatisfy(p -> assertThat(p).contains(":4:18: email has no from"))
        .anySatisfy(p -> assertThat(p).contains(":4:40: smtp must be HOST:PORT"))
        .anySatisfy(p -> assertThat(p).contains(":5:37: ${NOT_SET} is not set"))
        .anySatisfy(p -> assertThat(p).startsWith(dir.resolve("job.yaml") + ":2:28: unknown key \"aftr\" in notify"))
        .anySatisfy(p -> assertThat(p).contains("job.yaml:2:44: after must be a whole number of at least 1 (found \"0\"); write e.g. after: 2"))
        .anySatisfy(p -> assertThat(p).contains("job.yaml:3:21: failWhen.failed must be"));
    assertThat(c.jobs()).isEmpty();
  }

  @Test
  void a_channel_change_is_seen_on_reload_without_touching_the_jobs() throws Exception {
    JobFiles.write(dir, "routers.yaml", """
        schedule: "@every 1m"
        notify: { channels: [ops] }
        requests: [ "http://127.0.0.1:9/a" ]
        """);
    assertThat(load().problems()).hasSize(1);

    JobFiles.write(dir, "channels.yml", "channels:\n  ops: { ping: \"http://127.0.0.1:9/p\" }\n");

    Catalog c = load();
    assertThat(c.problems()).isEmpty();
    assertThat(c.channels().get("ops").kind()).isEqualTo("ping");
  }
}
