package dev.cronloop.definition;

import java.util.regex.Pattern;

/** A compiled regular expression that compares by its source, so definitions stay comparable. */
public record Regex(String source, Pattern pattern) {

  /** Compiles {@code source}; throws {@link java.util.regex.PatternSyntaxException}. */
  public static Regex of(String source) {
    return new Regex(source, Pattern.compile(source));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Regex r && r.source.equals(source);
  }

  @Override
  public int hashCode() {
    return source.hashCode();
  }

  @Override
  public String toString() {
    return "/" + source + "/";
  }
}
