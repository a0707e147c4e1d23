package dev.auditship.pipeline;

import dev.auditship.codec.Format;
import dev.auditship.filter.EventFilter;
import dev.auditship.sink.Target;
import dev.auditship.text.ByteBuf;

/**
 * One live sink: its filter, its format and where its records go, and the buffer its records are
 * rendered through (batches of one sink are formatted one at a time, so one buffer serves them).
 */
record SinkRuntime(String name, EventFilter filter, Format format, Target target, ByteBuf scratch) {
  /** The scratch buffer is dropped after a batch that made it grow beyond this. */
  static final int SCRATCH_KEEP = 256 * 1024;

  SinkRuntime(String name, EventFilter filter, Format format, Target target) {
    this(name, filter, format, target, new ByteBuf(4096));
  }
}
