package dev.cronloop.definition;

/**
 * When a run counts as failed for notices and health: {@code failWhen: { failed: 10 }} (at least
 * this many requests failed) or {@code { failed: 5% }} (at least this share of them). Without it,
 * one failed request fails the run. Pure and immutable.
 *
 * @param count the least number of failed requests, or 0 when {@code percent} applies
 * @param percent the least share of failed requests in percent, used when {@code count} is 0
 */
public record FailWhen(int count, double percent) {

  /** The default: any failed request fails the run. */
  public static final FailWhen ANY = new FailWhen(1, 0);

  /** True when a run of {@code total} requests with {@code failed} failed ones counts as failed. */
  public boolean failed(int total, int failed) {
    if (failed <= 0) {
      return false;
    }
    if (count > 0) {
      return failed >= count;
    }
    return failed * 100.0 >= percent * total;
  }

  /** As a job file writes it: {@code 10} or {@code 5%}. */
  @Override
  public String toString() {
    if (count > 0) {
      return Integer.toString(count);
    }
    String p = percent == Math.rint(percent) ? Long.toString((long) percent) : Double.toString(percent);
    return p + "%";
  }
}
