package dev.cronloop.notify;

import dev.cronloop.model.FetchRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The failed fetches of one run of a notifying job, as a notice tells them: the reasons with
 * their counts and the first few fetches as a sample. Memory stays bounded: at most {@link
 * #MAX_REASONS} distinct reasons and {@link #SAMPLE} fetches are kept, however many requests fail.
 *
 * <p>Confined to the lane of its run's job.
 */
final class RunTally {
  /** Failed fetches a notice shows. */
  static final int SAMPLE = 3;
  /** Reasons a notice shows. */
  static final int TOP_REASONS = 5;
  /** Distinct reasons counted; further ones count as "other reasons". */
  static final int MAX_REASONS = 100;
  static final String OTHER = "other reasons";

  /** One reason and how many failed fetches gave it. */
  record Reason(String reason, int count) {}

  private final Map<String, Integer> reasons = new HashMap<>();
  private final List<FetchRow> sample = new ArrayList<>(SAMPLE);

  /** Counts a failed fetch. */
  void failed(FetchRow f) {
    String reason = reason(f);
    if (reasons.size() >= MAX_REASONS && !reasons.containsKey(reason)) {
      reason = OTHER;
    }
    reasons.merge(reason, 1, Integer::sum);
    if (sample.size() < SAMPLE) {
      sample.add(f);
    }
  }

  /** What a failed fetch says went wrong: its error, else its outcome. */
  static String reason(FetchRow f) {
    return f.error() == null || f.error().isBlank() ? f.outcome().name() : f.error();
  }

  /** The most frequent reasons, most first, ties by text. */
  List<Reason> topReasons() {
    return reasons.entrySet().stream()
        .map(e -> new Reason(e.getKey(), e.getValue()))
        .sorted(Comparator.comparingInt(Reason::count).reversed().thenComparing(Reason::reason))
        .limit(TOP_REASONS)
        .toList();
  }

  List<FetchRow> sample() {
    return List.copyOf(sample);
  }
}
