package dev.auditship.cli;

/** Process exit codes (documented in the README). */
public final class ExitCodes {
  /** Everything read was handled. */
  public static final int OK = 0;

  /** A runtime failure (unreadable input, unwritable output). */
  public static final int FAILURE = 1;

  /** Bad command-line usage. */
  public static final int USAGE = 2;

  /** The configuration was refused (sysexits EX_CONFIG). */
  public static final int CONFIG = 78;

  private ExitCodes() {}
}
