package dev.cronloop.record;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;

/**
 * The decision {@link NodeLease} makes on the row it has just read: take an absent row, take over
 * a row this process already holds, one that expired or one whose holder no longer runs, or leave
 * it held, with the evidence its messages quote. Pure: the database's clock and whether a process
 * of this host still runs are arguments; {@link NodeLease} reads them and does the JDBC.
 */
final class LeaseClaim {
  private LeaseClaim() {}

  /** A lease row as read: its holder, token and epoch, and the database-clock renewal and expiry. */
  record Row(LeaseHolder holder, String token, long epoch, Instant renewedAt, Instant expiresAt) {}

  /** What to do with the row. */
  enum Kind {
    /** No row: insert one. */
    INSERT,
    /** Take the row over (compare-and-set on its epoch); {@code why} says why that is safe. */
    TAKE_OVER,
    /** A live process of this host holds it: refuse at once; {@code why} is the evidence. */
    HELD_BY_LIVE_PROCESS,
    /** Another host's process holds it and it has not expired: watch whether it is renewed. */
    WATCH;

    /** True when the row is to be written for this process. */
    boolean takes() {
      return this == INSERT || this == TAKE_OVER;
    }
  }

  /** A decision and its evidence ({@code null} for {@link Kind#INSERT} and {@link Kind#WATCH}). */
  record Verdict(Kind kind, String why) {}

  /**
   * Decides on {@code row} ({@code null} when absent) for {@code me}, holding {@code myToken}, at
   * {@code now} on the database's clock. {@code running} is asked only about a holder of this host.
   */
  static Verdict decide(Row row, String myToken, LeaseHolder me, Instant now, Predicate<LeaseHolder> running) {
    if (row == null) {
      return new Verdict(Kind.INSERT, null);
    }
    if (row.token().equals(myToken)) {
      return new Verdict(Kind.TAKE_OVER, "this process");
    }
    if (expired(row.expiresAt(), now)) {
      return new Verdict(Kind.TAKE_OVER, "its lease expired at " + row.expiresAt() + ", not renewed since " + row.renewedAt());
    }
    if (me.sameHost(row.holder())) {
      if (!running.test(row.holder())) {
        return new Verdict(Kind.TAKE_OVER, "that process no longer runs");
      }
      // Alive on this host: no use waiting, whether it renews or hangs.
      Duration silent = Duration.between(row.renewedAt(), now);
      return new Verdict(Kind.HELD_BY_LIVE_PROCESS, "lease renewed " + Math.max(0, silent.toMillis()) + " ms ago");
    }
    return new Verdict(Kind.WATCH, null);
  }

  /**
   * While watching a held row: the evidence that its holder is alive when the row seen {@code now}
   * differs from the {@code first} one seen (another token, or a later renewal), else {@code null}.
   */
  static String renewedSince(Row first, Row now) {
    if (!first.token().equals(now.token()) || !first.renewedAt().equals(now.renewedAt())) {
      return "it renewed its lease " + now.renewedAt();
    }
    return null;
  }

  /** The evidence when a watched row did not expire within the wait. */
  static final String DID_NOT_EXPIRE = "its lease did not expire";

  /** The message of {@link NodeLease.Held}: who holds {@code what}, the evidence, the fix. */
  static String heldMessage(Row held, String what, String evidence, String fix) {
    return what + " is in use by " + held.holder().describe() + ", " + evidence + "; " + fix;
  }

  /** When a lease renewed at {@code renewedAt} (database clock) expires. */
  static Instant expiry(Instant renewedAt, Duration renewEvery) {
    return renewedAt.plus(renewEvery.multipliedBy(NodeLease.EXPIRES_AFTER_PERIODS));
  }

  /** True when a lease that expires at {@code expiresAt} may be taken over at {@code now}. */
  static boolean expired(Instant expiresAt, Instant now) {
    return !now.isBefore(expiresAt);
  }

  /** The longest a take waits for a lease that nobody renews: until it expires, plus a poll. */
  static Duration takeoverBound(Duration renewEvery) {
    return renewEvery.multipliedBy(NodeLease.EXPIRES_AFTER_PERIODS).plus(poll(renewEvery));
  }

  /** How often a watched row is read again: a quarter period, at most a second. */
  static Duration poll(Duration renewEvery) {
    return renewEvery.dividedBy(4).compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : renewEvery.dividedBy(4);
  }
}
