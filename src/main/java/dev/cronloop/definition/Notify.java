package dev.cronloop.definition;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A job's {@code notify:}: whom to tell when it starts failing, keeps failing and recovers
 * (src/docs/notifications.md). Immutable.
 *
 * @param channels the channels named, with where each name is written
 * @param after consecutive failed runs before the failure notice (at least 1)
 * @param repeat how often to tell again while the job keeps failing, or null for never
 * @param on which transitions are told
 */
public record Notify(List<ChannelRef> channels, int after, Duration repeat, Set<On> on) {

  /** The default of {@code after}. */
  public static final int DEFAULT_AFTER = 1;

  public Notify {
    channels = List.copyOf(channels);
    on = Set.copyOf(on);
  }

  /** The transitions a job may be told of. */
  public enum On {
    FAILURE,
    RECOVERY
  }

  /** A channel name as a job writes it, and where. */
  public record ChannelRef(String name, int line, int column) {}

  /** The channel names, in the order written. */
  public List<String> channelNames() {
    return channels.stream().map(ChannelRef::name).toList();
  }
}
