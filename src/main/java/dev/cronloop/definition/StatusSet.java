package dev.cronloop.definition;

import java.util.List;
import java.util.stream.Collectors;

/** The HTTP statuses a check accepts: single codes and inclusive ranges, e.g. {@code 200-299}. */
public record StatusSet(List<Range> ranges) {

  public static final StatusSet SUCCESS = new StatusSet(List.of(new Range(200, 299)));

  public StatusSet {
    ranges = List.copyOf(ranges);
  }

  /** An inclusive range of codes; a single code has {@code from == to}. */
  public record Range(int from, int to) {
    @Override
    public String toString() {
      return from == to ? Integer.toString(from) : from + "-" + to;
    }
  }

  public boolean contains(int status) {
    for (Range r : ranges) {
      if (status >= r.from && status <= r.to) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return ranges.stream().map(Range::toString).collect(Collectors.joining(","));
  }
}
