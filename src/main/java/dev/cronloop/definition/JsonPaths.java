package dev.cronloop.definition;

/**
 * The paths {@code expect.json} accepts, turned into RFC 6901 JSON Pointers: a pointer itself
 * ({@code /a/b/0}, {@code ~0} for '~' and {@code ~1} for '/'), or a simple JSONPath made of
 * {@code $}, {@code .name}, {@code [n]} and {@code ['name']} steps ({@code $.a.b[0]}). Filters,
 * wildcards and recursive descent are not supported: a check names one value.
 */
final class JsonPaths {
  private JsonPaths() {}

  /** The JSON Pointer of {@code path}, or null when it is not valid. */
  static String toPointer(String path) {
    return whyInvalid(path) == null ? convert(path) : null;
  }

  /** Why {@code path} is not valid, or null when it is. */
  static String whyInvalid(String path) {
    if (path.startsWith("/")) {
      for (int i = 0; i < path.length(); i++) {
        if (path.charAt(i) == '~'
            && (i + 1 == path.length() || (path.charAt(i + 1) != '0' && path.charAt(i + 1) != '1'))) {
          return "'~' at " + (i + 1) + " must be followed by 0 or 1";
        }
      }
      return null;
    }
    if (!path.startsWith("$")) {
      return "it must start with / or $";
    }
    try {
      convert(path);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static String convert(String path) {
    if (path.startsWith("/")) {
      return path;
    }
    StringBuilder pointer = new StringBuilder();
    int i = 1;
    while (i < path.length()) {
      char c = path.charAt(i);
      if (c == '.') {
        int end = i + 1;
        while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
          end++;
        }
        if (end == i + 1) {
          throw new IllegalArgumentException("empty name at " + (i + 1));
        }
        String name = path.substring(i + 1, end);
        if (name.equals("*")) {
          throw new IllegalArgumentException("wildcards are not supported");
        }
        step(pointer, name);
        i = end;
      } else if (c == '[') {
        int close = path.indexOf(']', i);
        if (close < 0) {
          throw new IllegalArgumentException("'[' at " + (i + 1) + " is not closed");
        }
        String inside = path.substring(i + 1, close).strip();
        if (inside.matches("\\d+")) {
          step(pointer, inside);
        } else if (inside.length() >= 2
            && (inside.charAt(0) == '\'' || inside.charAt(0) == '"')
            && inside.charAt(inside.length() - 1) == inside.charAt(0)) {
          step(pointer, inside.substring(1, inside.length() - 1));
        } else {
          throw new IllegalArgumentException(
              "[" + inside + "] at " + (i + 1) + " must be an index like [0] or a name like ['a']");
        }
        i = close + 1;
      } else {
        throw new IllegalArgumentException("unexpected '" + c + "' at " + (i + 1));
      }
    }
    return pointer.toString();
  }

  private static void step(StringBuilder pointer, String name) {
    pointer.append('/').append(name.replace("~", "~0").replace("/", "~1"));
  }
}
