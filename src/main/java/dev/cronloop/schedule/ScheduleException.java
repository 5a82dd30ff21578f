package dev.cronloop.schedule;

/**
 * A schedule expression that does not parse. The message names the field, the value and the
 * allowed range, e.g. {@code day-of-week: 8 is out of range 0-7 (or SUN-SAT)}; {@link #offset()}
 * is the index in the expression where the bad part starts, so callers can point at a column.
 */
public final class ScheduleException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int offset;

  public ScheduleException(String message, int offset) {
    super(message);
    this.offset = offset;
  }

  /** Zero-based index into the expression of the first character of the bad part. */
  public int offset() {
    return offset;
  }
}
