package dev.cronloop.definition;

import java.util.Objects;

/**
 * A string that may hold a secret (a substituted {@code ${VAR}}, an Authorization header, a
 * cookie). It prints as {@code ***}; only the request builder calls {@link #reveal()}.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value);
  }

  public static Secret of(String value) {
    return new Secret(value);
  }

  /** The real value. Call it only where the value leaves for the target, never for display. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "***";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
