package dev.auditship.testutil;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures the exporter's own log events while open, for assertions on exact operator text: all of
 * {@code dev.auditship} ({@link #LogCapture()}), one class ({@link #LogCapture(Class)}), or
 * everything down to TRACE ({@link #everything()}, which lowers the level while open).
 */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final Level levelBefore;
  private final boolean setLevel;

  /**
   * Adds under the list's lock, which the readers below take: logback calls the appender under its
   * own lock only, so a test polling the messages while another thread logs (an await on a log
   * line) could otherwise read the list while it grows.
   */
  private final ListAppender<ILoggingEvent> appender =
      new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent e) {
          synchronized (list) {
            super.append(e);
          }
        }
      };

  /** Everything {@code dev.auditship} logs at its configured level. */
  public LogCapture() {
    this("dev.auditship", null);
  }

  /** What one class logs. */
  public LogCapture(Class<?> of) {
    this(of.getName(), null);
  }

  /** Everything {@code dev.auditship} logs, down to TRACE. */
  public static LogCapture everything() {
    return new LogCapture("dev.auditship", Level.TRACE);
  }

  private LogCapture(String name, Level level) {
    logger = (Logger) LoggerFactory.getLogger(name);
    levelBefore = logger.getLevel();
    setLevel = level != null;
    if (setLevel) {
      logger.setLevel(level);
    }
    appender.start();
    logger.addAppender(appender);
  }

  /** Formatted messages at {@code level}, in order. */
  public List<String> messages(Level level) {
    synchronized (appender.list) {
      return appender.list.stream()
          .filter(e -> e.getLevel() == level)
          .map(ILoggingEvent::getFormattedMessage)
          .toList();
    }
  }

  /** Formatted messages at any level, in order. */
  public List<String> all() {
    synchronized (appender.list) {
      return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  /** Formatted messages at any level that start with {@code prefix}. */
  public List<String> startingWith(String prefix) {
    return all().stream().filter(m -> m.startsWith(prefix)).toList();
  }

  /** Every captured line: level, logger, formatted message and any stack trace. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    synchronized (appender.list) {
      for (ILoggingEvent e : appender.list) {
        String line = e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage();
        if (e.getThrowableProxy() != null) {
          line += "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy());
        }
        out.add(line);
      }
    }
    return out;
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
    if (setLevel) {
      logger.setLevel(levelBefore);
    }
  }
}
