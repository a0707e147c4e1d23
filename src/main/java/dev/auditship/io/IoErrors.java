package dev.auditship.io;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * I/O failures in words an operator reads: the JDK names some only by their class ({@code
 * NoSuchFileException}) or by the file alone.
 */
public final class IoErrors {
  private IoErrors() {}

  /**
   * What went wrong, without the file's name or the exception's own text (which, for a file holding
   * a secret, is never shown): "no such file or directory", "permission denied", ….
   */
  public static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "already exists";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof CharacterCodingException) {
      return "not text in the expected encoding";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason(); // the system's words: "Is a directory", "No space left on device"
    }
    return e.getClass().getSimpleName();
  }

  /** The file and what went wrong, or the exception's text when it names no file. */
  public static String describe(IOException e) {
    if (e instanceof FileSystemException f && f.getFile() != null) {
      return f.getFile() + ": " + reason(e);
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
