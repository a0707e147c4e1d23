package dev.auditship.registry;

import dev.auditship.event.EnvelopeDefaults;

/**
 * What the run gives a format factory, from the top level of the config.
 *
 * @param envelope caller/func/logger names for events that arrive without them
 * @param humanTime {@code rc1} or {@code v3}: how human records print {@code Time}
 */
public record FormatContext(EnvelopeDefaults envelope, String humanTime) {
  /** The defaults of a config that sets neither. */
  public static final FormatContext DEFAULT = new FormatContext(EnvelopeDefaults.CODER, "rc1");
}
