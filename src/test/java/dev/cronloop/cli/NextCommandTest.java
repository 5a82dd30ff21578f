package dev.cronloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.schedule.Spread;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class NextCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = new CommandLine(new NextCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void prints_five_fire_times_in_utc_by_default() {
    int code = run("--from", "2024-06-12T10:00:00Z", "*/15 * * * *");

    assertThat(code).isZero();
    assertThat(out.toString()).isEqualTo(String.join(System.lineSeparator(),
        "2024-06-12T10:15Z", "2024-06-12T10:30Z", "2024-06-12T10:45Z", "2024-06-12T11:00Z",
        "2024-06-12T11:15Z", ""));
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void prints_offset_date_times_in_the_zone_across_a_dst_gap() {
    int code = run("--from", "2024-03-09T12:00:00-05:00", "--count", "2",
        "--zone", "America/New_York", "30 2 * * *");

    assertThat(code).isZero();
    assertThat(out.toString().lines())
        .containsExactly("2024-03-10T03:00-04:00", "2024-03-11T02:30-04:00");
  }

  @Test
  void starts_strictly_after_from() {
    run("--from", "2024-06-12T10:15:00Z", "--count", "1", "*/15 * * * *");

    assertThat(out.toString().lines()).containsExactly("2024-06-12T10:30Z");
  }

  @Test
  void from_defaults_to_now() {
    Instant before = Instant.now();

    run("--count", "1", "* * * * * ?");

    Instant first = OffsetDateTime.parse(out.toString().strip()).toInstant();
    assertThat(first).isAfter(before.minusSeconds(1)).isBefore(before.plusSeconds(5));
  }

  @Test
  void spread_adds_the_offset_of_the_job_id() {
    Duration offset = Spread.offset("api-health", Duration.ofMinutes(1));

    run("--from", "2024-06-12T10:00:00Z", "--count", "1", "--spread", "1m", "--id", "api-health",
        "0 * * * *");

    assertThat(offset).isPositive();
    Instant fire = Instant.parse("2024-06-12T10:00:00Z").plus(offset);
    assertThat(out.toString().lines())
        .containsExactly(fire.atOffset(ZoneOffset.UTC).toString());
  }

  @Test
  void a_schedule_that_ends_prints_what_is_left() {
    int code = run("--from", "2024-01-01T00:00:00Z", "0 0 0 1 1 ? 2025-2026");

    assertThat(code).isZero();
    assertThat(out.toString().lines()).containsExactly("2025-01-01T00:00Z", "2026-01-01T00:00Z");
  }

  @Test
  void bad_expression_exits_2_with_one_line_naming_the_field() {
    int code = run("0 0 * * 8");

    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines()).containsExactly(
        "cronloop next: day-of-week: 8 is out of range 0-7 (or SUN-SAT) (at column 9 of"
            + " \"0 0 * * 8\")");
  }

  @Test
  void bad_zone_from_or_spread_exit_2_with_one_line() {
    assertThat(run("--zone", "Mars/Olympus", "@daily")).isEqualTo(2);
    assertThat(run("--from", "yesterday", "@daily")).isEqualTo(2);
    assertThat(run("--spread", "5m", "@daily")).isEqualTo(2);
    assertThat(run("--count", "0", "@daily")).isEqualTo(2);

    assertThat(err.toString().lines()).hasSize(4).allMatch(l -> l.startsWith("cronloop next: "));
    assertThat(out.toString()).isEmpty();
  }

  /** Issue 14, item 8: an expression is never read as an option, even when it starts with '-'. */
  @Test
  void an_expression_starting_with_a_dash_is_a_bad_minute_field_not_an_unknown_option() {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));

    int code = cli.execute("next", "-1 * * * *");

    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines()).containsExactly(
        "cronloop next: minutes: \"-1\" is not a number (at column 1 of \"-1 * * * *\")");
  }

  @Test
  void options_before_a_dashed_expression_are_still_options() {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));

    int code = cli.execute("next", "--count", "1", "--from", "2024-06-12T10:00:00Z", "-5");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines()).singleElement().asString()
        .startsWith("cronloop next: found 1 field; expected 5");
  }
}
