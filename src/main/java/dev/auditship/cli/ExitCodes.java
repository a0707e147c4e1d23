package dev.auditship.cli;

/** Process exit codes (documented in the README). */
public final class ExitCodes {
  /** Everything read was handled. */
  public static final int OK = 0;

  /** A runtime failure (unreadable input, unwritable output). */
  public static final int FAILURE = 1;

  /** Bad command-line usage. */
  public static final int USAGE = 2;

  /**
   * Stopped with events read but neither delivered, spooled nor dead-lettered (the shutdown
   * deadline or a second signal cut delivery short); they were not committed (sysexits EX_TEMPFAIL:
   * a later run can deliver them).
   */
  public static final int INCOMPLETE = 75;

  /** The configuration was refused (sysexits EX_CONFIG). */
  public static final int CONFIG = 78;

  private ExitCodes() {}
}
