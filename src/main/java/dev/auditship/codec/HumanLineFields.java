package dev.auditship.codec;

import dev.auditship.event.Field;
import dev.auditship.event.Kind;
import dev.auditship.event.LazyFields;
import dev.auditship.event.Value;
import dev.auditship.text.ByteBuf;
import java.util.List;

/**
 * The fields of a checked slog human line, decoded on demand from its bytes: the event keeps the
 * line (one array) instead of a few dozen objects per field, so events waiting in the read-ahead
 * queue and in batches cost the garbage collector little; a format or filter that reads the values
 * reads the line again with {@link HumanLineScanner}, which read it the same way when it was
 * checked. A human record of a kept line ({@link dev.auditship.event.Event#humanLine()}) needs no
 * value at all.
 *
 * <p>The json format needs no second read: {@link HumanLineScanner#check} left an index of the
 * fields (where each value is, and how it is written), and {@link #writeJsonFields} copies each
 * plain value and writes escaped strings, raw JSON and the actor from their bytes ({@link
 * HumanLineJson}); sinks get the {@code Time} in microseconds ({@link #timeMicros()}) and plain
 * ASCII values ({@link #appendAscii}) without a decode.
 *
 * <p>Immutable: the line and the index are never changed after construction, and nothing decoded is
 * kept (the values of a read are garbage right after it, which is what makes the line cheap to
 * hold).
 */
final class HumanLineFields implements LazyFields {
  private final byte[] line;
  private final Kind kind;

  /** {@link HumanLineScanner#index()} of the line. */
  private final int[] index;

  /**
   * The first {@code Time}, decoded while the line was checked (sinks read it). The {@code ID} is
   * decoded when asked: no sink reads it for every record, and one object less a held event is less
   * for the garbage collector to copy.
   */
  private final Value time;

  /** {@link #time} in microseconds, worked out from the line's bytes while it was checked. */
  private final long timeMicros;

  HumanLineFields(byte[] line, Kind kind, int[] index, Value time, long timeMicros) {
    this.line = line;
    this.kind = kind;
    this.index = index;
    this.time = time;
    this.timeMicros = timeMicros;
  }

  @Override
  public long timeMicros() {
    return timeMicros;
  }

  @Override
  public int appendAscii(String key, ByteBuf out) {
    return HumanLineScanner.appendAscii(line, index, key, out);
  }

  /**
   * Writes {@code ,"fields":{...}} as {@link JsonFormat} renders these fields, from the line's
   * bytes without building them.
   */
  void writeJsonFields(ByteBuf out) {
    HumanLineScanner.writeJsonFields(line, kind, index, out, false);
  }

  /**
   * {@link #writeJsonFields(ByteBuf)} with every value decoded and written as from values: the
   * definition the byte paths are tested against.
   */
  void writeJsonFieldsDecoded(ByteBuf out) {
    HumanLineScanner.writeJsonFields(line, kind, index, out, true);
  }

  @Override
  public List<Field> fields() {
    HumanLineDecoder.Partial p = new HumanLineScanner().scan(line, 0, line.length, false);
    if (p == null || p == HumanLineScanner.SKIP || !p.checked() || p.continues()) {
      // The line passed the same scanner when it was read; it cannot fail now.
      throw new IllegalStateException("a checked human line no longer decodes");
    }
    return p.fields();
  }

  @Override
  public Value get(String key) {
    if (key.equals("Time")) {
      return time;
    }
    return HumanLineScanner.valueOf(line, kind, index, key);
  }

  @Override
  public int size() {
    return line.length;
  }
}
