package dev.cronloop.definition;

import dev.cronloop.definition.SourceTree.Field;
import dev.cronloop.definition.SourceTree.MapNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one level (a job, or one of its requests) writes of a block, option by option; an option
 * not written, or written wrong, is absent. A request's {@code Written} goes {@link #over} the
 * job's; {@link #get} then gives each option's value, or its default.
 */
final class Written {
  static final Written NONE = new Written(Map.of());

  // Each value is stored under its own option, so get() and merge() cast it back to that type.
  private final Map<Option<?, ?>, Object> values;

  private Written(Map<Option<?, ?>, Object> values) {
    this.values = values;
  }

  /** Reads every option of {@code table} that {@code block} writes. */
  static <R> Written read(R reader, List<Option<R, ?>> table, MapNode block, String where) {
    Map<Option<?, ?>, Object> values = new LinkedHashMap<>();
    for (Option<R, ?> o : table) {
      Field f = block.fields().get(o.key());
      Object v = f == null ? null : o.read().read(reader, f, where);
      if (v != null) {
        values.put(o, v);
      }
    }
    return new Written(values);
  }

  /** These options over the job's {@code defaults}, each by its own merge. */
  Written over(Written defaults) {
    Map<Option<?, ?>, Object> out = new LinkedHashMap<>(defaults.values);
    values.forEach((o, mine) -> out.merge(o, mine, (job, m) -> merge(o, m, job)));
    return new Written(out);
  }

  /** The value of {@code o}: as written, or its default. */
  @SuppressWarnings("unchecked")
  <T> T get(Option<?, T> o) {
    return values.containsKey(o) ? (T) values.get(o) : o.fallback();
  }

  @SuppressWarnings("unchecked")
  private static <T> Object merge(Option<?, T> o, Object mine, Object job) {
    return o.merge().apply((T) mine, (T) job);
  }
}
