package dev.cronloop.server;

import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The validated query of {@code GET /api/status} and {@code GET /api/jobs}: a search text, a state
 * filter and a page. Without {@code limit} every matching job is returned, as before paging
 * existed. Pure but for {@link #from}, which reads a request and answers a bad one.
 *
 * @param text a case-insensitive part of the job id or file name, or null for every job
 * @param state {@code failing}, {@code paused}, {@code invalid}, {@code disabled} or {@code
 *     scheduled}, or null for every state
 * @param offset jobs to leave out before the page, in id order
 * @param limit jobs on the page, or 0 for all of them
 */
record StatusQuery(String text, String state, int offset, int limit) {
  static final int MAX_LIMIT = 100;
  static final List<String> STATES = List.of("failing", "paused", "invalid", "disabled", "scheduled");
  private static final Set<String> PARAMS = Set.of("q", "state", "offset", "limit");

  static final StatusQuery ALL = new StatusQuery(null, null, 0, 0);

  /**
   * The query of a request to either route, or null after answering 400 with what is wrong and how
   * to fix it.
   */
  static StatusQuery from(RoutingContext ctx) {
    try {
      return parse(ctx.queryParams().names(), ctx::queryParam);
    } catch (IllegalArgumentException e) {
      ApiSupport.error(ctx, 400, e.getMessage());
      return null;
    }
  }

  static StatusQuery parse(Set<String> names, Function<String, List<String>> values) {
    for (String n : names) {
      if (!PARAMS.contains(n)) {
        throw new IllegalArgumentException("unknown parameter \"" + n + "\"; use q, state, offset or limit");
      }
      if (values.apply(n).size() > 1) {
        throw new IllegalArgumentException("parameter \"" + n + "\" is given more than once");
      }
    }
    String text = one(values, "q");
    if (text != null && text.isBlank()) {
      text = null;
    }
    String state = one(values, "state");
    if (state != null) {
      state = state.toLowerCase(Locale.ROOT);
      if (!STATES.contains(state)) {
        throw new IllegalArgumentException("state must be one of " + String.join(", ", STATES) + "; got \""
            + one(values, "state") + "\"");
      }
    }
    String offsetText = one(values, "offset");
    int offset = offsetText == null ? 0 : (int) bounded("offset", offsetText, 0, Integer.MAX_VALUE);
    String limitText = one(values, "limit");
    int limit = limitText == null ? 0 : (int) bounded("limit", limitText, 1, MAX_LIMIT);
    return new StatusQuery(text == null ? null : text.toLowerCase(Locale.ROOT), state, offset, limit);
  }

  /** True when the job's id or file name contains the search text (or there is none). */
  boolean matchesText(String id, String file) {
    return text == null || id.toLowerCase(Locale.ROOT).contains(text)
        || (file != null && file.toLowerCase(Locale.ROOT).contains(text));
  }

  /** True when a job in {@code jobState} that is {@code failing} or not passes the state filter. */
  boolean matchesState(String jobState, boolean failing) {
    return state == null || (state.equals("failing") ? failing : state.equals(jobState));
  }

  /** The page of a list of matches. */
  <T> List<T> page(List<T> matches) {
    int from = Math.min(offset, matches.size());
    int to = limit == 0 ? matches.size() : Math.min(matches.size(), from + limit);
    return matches.subList(from, to);
  }

  /** The offset of the next page, or null when this page is the last. */
  Integer nextOffset(int matched) {
    return limit > 0 && offset + limit < matched ? offset + limit : null;
  }

  private static long bounded(String name, String text, long min, long max) {
    try {
      long v = Long.parseLong(text);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max
        + "; got \"" + text + "\"");
  }

  private static String one(Function<String, List<String>> values, String name) {
    List<String> v = values.apply(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }
}
