package dev.cronloop.definition;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as job files write them: a count of bytes with an optional unit, e.g. {@code 64KiB}. */
final class Sizes {
  private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(B|KB|KiB|MB|MiB|GB|GiB)?");

  private Sizes() {}

  /** The bytes {@code text} stands for (B, KB, KiB, MB, MiB, GB, GiB), or null when it is no size. */
  static Long bytes(String text) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      return null;
    }
    long n = Long.parseLong(m.group(1));
    long factor =
        switch (m.group(2) == null ? "" : m.group(2)) {
          case "KB" -> 1_000L;
          case "KiB" -> 1L << 10;
          case "MB" -> 1_000_000L;
          case "MiB" -> 1L << 20;
          case "GB" -> 1_000_000_000L;
          case "GiB" -> 1L << 30;
          default -> 1L;
        };
    return n > Long.MAX_VALUE / factor ? null : n * factor;
  }
}
