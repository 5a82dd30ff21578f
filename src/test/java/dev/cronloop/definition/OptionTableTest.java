package dev.cronloop.definition;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The option tables of the readers, the keys the parser accepts and src/docs/requests.md say the
 * same: a request option added to {@link RequestOptionsReader#OPTIONS} (or a check to {@link
 * ExpectReader#OPTIONS}) but not documented, or documented but not read, fails here; so does a
 * documented default that is not the one the reader applies.
 */
class OptionTableTest {
  private static final Path DOCS = Path.of("src/docs/requests.md");
  private static final Pattern ROW = Pattern.compile("^\\| `([A-Za-z.]+)` \\| ([^|]*) \\|");
  private static final Pattern CHECK = Pattern.compile("^  ([A-Za-z]+):");

  @TempDir Path dir;

  /** The "Request options" table of the docs: key to its default cell, in the docs' order. */
  private static Map<String, String> documentedOptions() throws IOException {
    Map<String, String> rows = new LinkedHashMap<>();
    for (String line : section("## Request options")) {
      Matcher m = ROW.matcher(line);
      if (m.find()) {
        rows.put(m.group(1), m.group(2).strip());
      }
    }
    return rows;
  }

  /** The keys of the example {@code expect:} block in the docs' "Checks" section. */
  private static List<String> documentedChecks() throws IOException {
    List<String> keys = new ArrayList<>();
    for (String line : section("## Checks (`expect`)")) {
      Matcher m = CHECK.matcher(line);
      if (m.find()) {
        keys.add(m.group(1));
      }
    }
    return keys;
  }

  /** The lines under {@code heading}, up to the next heading of its level. */
  private static List<String> section(String heading) throws IOException {
    List<String> lines = Files.readAllLines(DOCS);
    int from = lines.indexOf(heading);
    assertThat(from).as("%s has a section %s", DOCS, heading).isGreaterThanOrEqualTo(0);
    List<String> out = new ArrayList<>();
    for (String line : lines.subList(from + 1, lines.size())) {
      if (line.startsWith("## ")) {
        break;
      }
      out.add(line);
    }
    return out;
  }

  private JobFileParser.Result parse(String yaml) throws IOException {
    Path file = dir.resolve("j.yaml");
    Files.writeString(file, yaml);
    return JobFileParser.withEnv(Map.of()).parse(file);
  }

  @Test
  void the_request_keys_are_the_option_table_and_the_documented_options() throws IOException {
    List<String> documented = new ArrayList<>();
    for (String key : documentedOptions().keySet()) {
      if (key.contains(".")) { // a key inside an option's block, e.g. tls.insecure
        assertThat(TlsAuthReader.TLS_KEYS).contains(key.substring(key.indexOf('.') + 1));
      } else {
        documented.add(key);
      }
    }
    documented.add("expect"); // its checks have a section of their own

    assertThat(RequestOptionsReader.REQUEST_KEYS)
        .containsExactlyInAnyOrderElementsOf(documented)
        .containsExactlyElementsOf(
            Stream.concat(
                    Stream.of("url"),
                    Option.keys(RequestOptionsReader.OPTIONS).stream())
                .toList());
    assertThat(JobReader.JOB_KEYS).containsAll(Option.keys(RequestOptionsReader.OPTIONS));
  }

  @Test
  void the_checks_are_the_expect_table_and_the_documented_checks_in_order() throws IOException {
    assertThat(ExpectReader.EXPECT_KEYS)
        .containsExactlyElementsOf(Option.keys(ExpectReader.OPTIONS))
        .containsExactlyElementsOf(documentedChecks());
  }

  @Test
  void every_documented_option_is_accepted_on_a_job_and_on_a_request() throws IOException {
    for (String key : documentedOptions().keySet()) {
      if (key.contains(".") || key.equals("url")) {
        continue;
      }

      JobFileParser.Result onJob =
          parse("schedule: \"0 0 12 * * ?\"\n" + key + ": ~\nrequests: [https://example.org]\n");
      JobFileParser.Result onRequest =
          parse("schedule: \"0 0 12 * * ?\"\nrequests:\n  - url: https://example.org\n    " + key + ": ~\n");

      assertThat(onJob.problems()).as(key).noneMatch(p -> p.message().contains("unknown key"));
      assertThat(onRequest.problems()).as(key).noneMatch(p -> p.message().contains("unknown key"));
    }
  }

  @Test
  void each_example_of_the_tables_is_shown_for_a_wrong_value_and_reads_without_a_problem()
      throws IOException {
    List<String> blocks = new ArrayList<>();
    RequestOptionsReader.OPTIONS.stream()
        .filter(o -> o.example() != null)
        .forEach(o -> blocks.add(o.key() + ": %s"));
    ExpectReader.OPTIONS.stream()
        .filter(o -> o.example() != null)
        .forEach(o -> blocks.add("expect: { " + o.key() + ": %s }"));
    assertThat(blocks).hasSizeGreaterThanOrEqualTo(9);

    for (String block : blocks) {
      String key = block.replaceFirst("^expect: \\{ ", "").replaceFirst(":.*", "");
      String example =
          Stream.concat(RequestOptionsReader.OPTIONS.stream(), ExpectReader.OPTIONS.stream())
              .filter(o -> o.key().equals(key) && o.example() != null)
              .findFirst().orElseThrow().example();
      String request = "schedule: \"0 0 12 * * ?\"\nrequests:\n  - url: https://example.org\n    ";

      JobFileParser.Result good = parse(request + block.formatted(example) + "\n");
      JobFileParser.Result bad = parse(request + block.formatted("{ a: 1 }") + "\n");

      assertThat(good.problems()).as(block).isEmpty();
      assertThat(bad.problems()).as(block)
          .anyMatch(p -> p.message().endsWith("write e.g. " + key + ": " + example));
    }
  }

  @Test
  void each_documented_default_written_out_gives_the_request_written_without_it()
      throws IOException {
    RequestSpec bare =
        parse("schedule: \"0 0 12 * * ?\"\nrequests: [https://example.org]\n")
            .jobs().get(0).requests().get(0);
    int checked = 0;
    for (Map.Entry<String, String> row : documentedOptions().entrySet()) {
      Matcher value = Pattern.compile("^`([^`]+)`").matcher(row.getValue());
      if (row.getKey().contains(".") || !value.find()) {
        continue; // "none", "verify", "—": nothing to write
      }

      JobFileParser.Result r =
          parse(
              "schedule: \"0 0 12 * * ?\"\nrequests:\n  - url: https://example.org\n    "
                  + row.getKey() + ": " + value.group(1) + "\n");

      assertThat(r.problems()).as(row.getKey()).isEmpty();
      assertThat(r.jobs().get(0).requests().get(0)).as(row.getKey()).isEqualTo(bare);
      checked++;
    }
    assertThat(checked).as("documented defaults checked").isGreaterThanOrEqualTo(7);
  }
}
