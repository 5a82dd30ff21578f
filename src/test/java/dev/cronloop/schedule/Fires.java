package dev.cronloop.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Test helper: the next fire times of an expression, printed as {@code cronloop next} does. */
final class Fires {

  private Fires() {}

  static List<String> after(String expression, String zone, String from, int count)
      throws ScheduleException {
    Schedule schedule = Schedules.parse(expression, ZoneId.of(zone));
    List<String> fires = new ArrayList<>();
    Instant t = Instant.parse(from);
    for (int i = 0; i < count; i++) {
      Optional<Instant> next = schedule.next(t);
      if (next.isEmpty()) {
        break;
      }
      t = next.get();
      fires.add(t.atZone(schedule.zone()).toOffsetDateTime().toString());
    }
    return fires;
  }
}
