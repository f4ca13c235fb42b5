package dev.skillbus.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** What the node logs while it is open, every logger's lines, as logback hands them to its appenders. */
public final class LogCapture implements AutoCloseable {

  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LogCapture() {
    appender.start();
    root.addAppender(appender);
  }

  /** The WARN and ERROR lines so far, as "LEVEL logger - message". */
  public List<String> warnings() {
    synchronized (appender) {
      return appender.list.stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
        .map(event -> event.getLevel() + " " + event.getLoggerName() + " - " + event.getFormattedMessage()).toList();
    }
  }

  /** The lines of one logger so far, of any level, as its messages read. */
  public List<String> linesOf(Class<?> logger) {
    synchronized (appender) {
      return appender.list.stream().filter(event -> event.getLoggerName().equals(logger.getName()))
        .map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
