package dev.cronloop.definition;

/**
 * One check of {@code expect.json}: the value at a path of a JSON body.
 *
 * @param path the path as written ({@code /a/b} or {@code $.a.b[0]}); failures quote it
 * @param pointer the same path as an RFC 6901 JSON Pointer
 * @param kind what is checked
 * @param expected for {@link Kind#EQUALS}, the expected value as JSON text ({@code "up"}, {@code
 *     3}, {@code true}); else null
 * @param loose true when the value was written unquoted, so that {@code 200} also matches the
 *     string {@code "200"}
 */
public record JsonCheck(String path, String pointer, Kind kind, String expected, boolean loose) {

  /** What a JSON check asks of the value at its path. */
  public enum Kind {
    EQUALS,
    EXISTS,
    ABSENT
  }
}
