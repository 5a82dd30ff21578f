package dev.cronloop.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The next fire time of many keys, earliest first. A key fires at its schedule's time plus its
 * offset (see {@link Spread}), as {@link FireTimes} computes it. Pure: time is given to it, never read from a clock.
 *
 * <p>Not thread-safe: one owner calls it (the trigger layer confines it to one thread).
 *
 * <p>Keys are kept in a {@code TreeMap} from fire time to the keys due then, with each key's entry
 * in a {@code HashMap}; {@code put}, {@code remove} and {@code nextInstant} cost {@code O(log n)}
 * and {@code takeDue} {@code O(log n)} per key taken, so 10,000 keys are cheap.
 *
 * @param <K> the key, e.g. a job id; it needs {@code equals} and {@code hashCode}
 */
public final class Timetable<K> {

  private record Entry(Schedule schedule, Duration offset, Instant fire) {}

  private final Map<K, Entry> entries = new HashMap<>();
  private final TreeMap<Instant, Set<K>> byFire = new TreeMap<>();
  private Instant now;

  /** An empty timetable whose keys fire strictly after {@code start}. */
  public Timetable(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  /**
   * Adds {@code key}, or replaces its schedule and offset, armed to its first fire strictly after
   * the later of the start and the last {@link #takeDue} instant. A schedule with no more fires
   * leaves the key out.
   */
  public void put(K key, Schedule schedule, Duration offset) {
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(offset, "offset");
    remove(key);
    arm(key, schedule, offset);
  }

  /**
   * Moves the instant that newly put keys are armed from to {@code now}, when it is later: a key
   * added after a quiet spell then fires after now, not at a time already past.
   */
  public void advanceTo(Instant now) {
    if (now.isAfter(this.now)) {
      this.now = now;
    }
  }

  /** The next fire time of {@code key}, or empty when it has none. */
  public Optional<Instant> next(K key) {
    Entry e = entries.get(key);
    return e == null ? Optional.empty() : Optional.of(e.fire());
  }

  /**
   * Adds {@code key} like {@link #put(Object, Schedule, Duration)}, but armed to its first fire
   * strictly after {@code after}, which may lie in the past: the fires between then and now are
   * then due at once, as when an engine comes back and looks at what it missed.
   */
  public void putAfter(K key, Schedule schedule, Duration offset, Instant after) {
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(offset, "offset");
    remove(key);
    arm(key, schedule, offset, after);
  }

  /** Forgets {@code key}; nothing happens when it is not here. */
  public void remove(K key) {
    Entry old = entries.remove(key);
    if (old != null) {
      Set<K> keys = byFire.get(old.fire());
      keys.remove(key);
      if (keys.isEmpty()) {
        byFire.remove(old.fire());
      }
    }
  }

  /** The earliest fire time of any key, or empty when no key has one. */
  public Optional<Instant> nextInstant() {
    return byFire.isEmpty() ? Optional.empty() : Optional.of(byFire.firstKey());
  }

  /**
   * Takes every key due at {@code at}, and re-arms each to its first fire strictly after {@code
   * at}. Called with {@link #nextInstant()}, these are exactly the keys whose fire equals {@code
   * at}; a key whose fire time lies before {@code at} (a caller that woke late) is taken too rather
   * than left behind. Keys come in fire order, then in the order they were armed.
   */
  public List<K> takeDue(Instant at) {
    List<K> due = new ArrayList<>();
    while (!byFire.isEmpty() && !byFire.firstKey().isAfter(at)) {
      due.addAll(byFire.pollFirstEntry().getValue());
    }
    if (at.isAfter(now)) {
      now = at;
    }
    for (K key : due) {
      Entry entry = entries.remove(key);
      arm(key, entry.schedule(), entry.offset(), at);
    }
    return due;
  }

  /**
   * Re-arms every key due before {@code at} to its first fire at or after {@code at}, without
   * taking it: those fires were handled elsewhere. A cluster node calls this when a shard's trigger
   * fires at {@code at} after other nodes fired the shard's earlier instants.
   *
   * @return how many keys were moved
   */
  public int skipBefore(Instant at) {
    List<K> stale = new ArrayList<>();
    while (!byFire.isEmpty() && byFire.firstKey().isBefore(at)) {
      stale.addAll(byFire.pollFirstEntry().getValue());
    }
    Instant from = at.minusNanos(1);
    for (K key : stale) {
      Entry entry = entries.remove(key);
      arm(key, entry.schedule(), entry.offset(), from);
    }
    return stale.size();
  }

  /** How many keys have a next fire. */
  public int size() {
    return entries.size();
  }

  private void arm(K key, Schedule schedule, Duration offset) {
    arm(key, schedule, offset, now);
  }

  private void arm(K key, Schedule schedule, Duration offset, Instant after) {
    Optional<Instant> next = FireTimes.next(schedule, offset, after);
    if (next.isPresent()) {
      entries.put(key, new Entry(schedule, offset, next.get()));
      byFire.computeIfAbsent(next.get(), t -> new LinkedHashSet<>()).add(key);
    }
  }
}
