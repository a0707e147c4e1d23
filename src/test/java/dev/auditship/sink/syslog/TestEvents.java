package dev.auditship.sink.syslog;

import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Value;
import dev.auditship.format.EnvelopeDefaults;
import dev.auditship.format.HumanFormat;
import dev.auditship.format.JsonFormat;
import dev.auditship.sink.SinkRecord;
import dev.auditship.testutil.Golden;
import java.util.ArrayList;
import java.util.List;

/** Records made from the golden slog lines, formatted as the pipeline would. */
final class TestEvents {
  static final JsonFormat JSON = new JsonFormat(EnvelopeDefaults.CODER);
  static final HumanFormat HUMAN = new HumanFormat(false);

  private TestEvents() {}

  static Event event(String golden) {
    return Golden.decodeOne(Golden.line(golden).json());
  }

  static SinkRecord json(String golden) {
    Event e = event(golden);
    return new SinkRecord(e, JSON.format(e));
  }

  static SinkRecord human(String golden) {
    Event e = event(golden);
    return new SinkRecord(e, HUMAN.format(e));
  }

  /** {@code e} with field {@code key} set to {@code value} (added at the end when absent). */
  static Event with(Event e, String key, Value value) {
    List<Field> fields = new ArrayList<>();
    boolean found = false;
    for (Field f : e.fields()) {
      if (f.key().equals(key)) {
        fields.add(new Field(key, value));
        found = true;
      } else {
        fields.add(f);
      }
    }
    if (!found) {
      fields.add(new Field(key, value));
    }
    return new Event(e.kind(), e.envelope(), fields);
  }

  /** {@code e} without field {@code key}. */
  static Event without(Event e, String key) {
    return new Event(
        e.kind(), e.envelope(), e.fields().stream().filter(f -> !f.key().equals(key)).toList());
  }
}
