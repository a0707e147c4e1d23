package dev.auditship.pipeline;

import dev.auditship.codec.Format;
import dev.auditship.filter.EventFilter;
import dev.auditship.sink.Target;

/** One live sink: its filter, its format and where its records go. */
record SinkRuntime(String name, EventFilter filter, Format format, Target target) {}
