package dev.cronloop.definition;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${VAR}} and {@code ${VAR:-default}} in a string from an environment. {@code
 * $${} writes a literal {@code ${}. As in the shell, the default is used when the variable is
 * unset or empty.
 *
 * <p>Errors name the variable and the place, never a value: values may be secrets.
 */
final class Substitution {

  /** The result: the text (null when there are errors), whether anything was substituted. */
  record Result(String value, boolean substituted, List<Error> errors) {}

  /** One bad reference, at {@code index} in the raw text. */
  record Error(int index, String message) {}

  private static final Pattern REF =
      Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}|\\$\\{");

  private Substitution() {}

  static Result apply(String raw, Function<String, String> env) {
    if (raw.indexOf("${") < 0) {
      return new Result(raw, false, List.of());
    }
    StringBuilder out = new StringBuilder();
    List<Error> errors = new ArrayList<>();
    boolean substituted = false;
    Matcher m = REF.matcher(raw);
    int last = 0;
    while (m.find()) {
      out.append(raw, last, m.start());
      last = m.end();
      String token = m.group();
      if (token.equals("$${")) {
        out.append("${");
      } else if (m.group(1) == null) {
        errors.add(new Error(m.start(), badReference(raw, m.start())));
      } else {
        String name = m.group(1);
        String fallback = m.group(2);
        String value = env.apply(name);
        if (fallback != null && (value == null || value.isEmpty())) {
          value = fallback;
        }
        if (value == null) {
          errors.add(
              new Error(
                  m.start(),
                  "${" + name + "} is not set; export it or write ${" + name + ":-fallback}"));
        } else {
          out.append(value);
          substituted = true;
        }
      }
    }
    out.append(raw, last, raw.length());
    return new Result(errors.isEmpty() ? out.toString() : null, substituted, List.copyOf(errors));
  }

  private static String badReference(String raw, int at) {
    int close = raw.indexOf('}', at);
    String found = close < 0 ? raw.substring(at) : raw.substring(at, close + 1);
    if (found.length() > 40) {
      found = found.substring(0, 40) + "...";
    }
    return "bad variable reference (found \""
        + found
        + "\"); write ${NAME} or ${NAME:-default}, with a name of letters, digits and _,"
        + " or $${ for a literal ${";
  }
}
