package dev.cronloop.definition;

import dev.cronloop.definition.SourceTree.Field;
import java.util.List;
import java.util.function.BinaryOperator;

/**
 * One key of a block that a job and each of its requests may write (a request option, a check):
 * how its field is read, what it is when no level writes it, and how a request's value meets the
 * job's. Each block's reader holds its table of options ({@link RequestOptionsReader#OPTIONS},
 * {@link ExpectReader#OPTIONS}); what one level writes is a {@link Written}.
 *
 * @param <R> the reader that reads the field
 * @param <T> the value
 * @param key the key in the job file
 * @param fallback the value when neither the request nor the job writes the key (may be null)
 * @param example a value shown in a message when the field is not a scalar, or null for {@code
 *     "text"}
 * @param read reads the field; null when it is wrong (a problem is then added)
 * @param merge the request's value and the job's into the one the request uses
 */
record Option<R, T>(
    String key, T fallback, String example, Option.Read<R, T> read, BinaryOperator<T> merge) {

  /** Reads the field of one option; {@code where} names the block in messages. */
  @FunctionalInterface
  interface Read<R, T> {
    T read(R reader, Field field, String where);
  }

  /** An option whose request value replaces the job's whole. */
  static <R, T> Option<R, T> replaced(String key, T fallback, String example, Read<R, T> read) {
    return new Option<>(key, fallback, example, read, (mine, job) -> mine);
  }

  /** An option whose request value is merged with the job's by {@code merge(mine, job)}. */
  static <R, T> Option<R, T> merged(String key, T fallback, Read<R, T> read, BinaryOperator<T> merge) {
    return new Option<>(key, fallback, null, read, merge);
  }

  /** The keys of a table, in its order. */
  static List<String> keys(List<? extends Option<?, ?>> table) {
    return table.stream().map(Option::key).toList();
  }
}
