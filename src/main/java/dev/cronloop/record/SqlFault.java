package dev.cronloop.record;

import java.sql.BatchUpdateException;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * Whose fault a failed write is: the rows' ({@link #DATA}: writing them again fails again) or the
 * database's ({@link #OUTAGE}: the same rows may commit later).
 *
 * <p>The driver's exception type decides first ({@code SQLDataException} and {@code
 * SQLIntegrityConstraintViolationException} are data; transient, recoverable and connection
 * exceptions are an outage), then the SQLState class: 22 (data exception: a value too long, out
 * of range, a character the column cannot hold) and 23 (integrity constraint) are data; 08
 * (connection), 53 (resources), 57 (operator intervention), 40 (rollback, deadlock) and anything
 * unknown are an outage, so rows are kept and retried rather than given up. A batch's {@code
 * BatchUpdateException} is judged by the exception it wraps. An exception that is no {@code
 * SQLException} at all (a driver or proxy bug tripped by some value) counts as data: the rows at
 * fault are looked for, so that one odd row cannot hold every other outcome back.
 */
enum SqlFault {
  DATA,
  OUTAGE;

  static SqlFault of(Throwable e) {
    SQLException sql = firstSql(e);
    if (sql == null) {
      return DATA;
    }
    for (SQLException s = sql; s != null; s = next(s)) {
      SqlFault f = ofOne(s);
      if (f != null) {
        return f;
      }
    }
    return OUTAGE;
  }

  /** The verdict for one exception of a chain, or null when it does not say. */
  private static SqlFault ofOne(SQLException s) {
    if (s instanceof SQLDataException || s instanceof SQLIntegrityConstraintViolationException) {
      return DATA;
    }
    if (s instanceof SQLTransientException || s instanceof SQLRecoverableException
        || s instanceof SQLNonTransientConnectionException) {
      return OUTAGE;
    }
    String state = s.getSQLState();
    if (state == null || state.length() < 2) {
      return null;
    }
    return switch (state.substring(0, 2)) {
      case "22", "23" -> DATA;
      default -> s instanceof BatchUpdateException ? null : OUTAGE;
    };
  }

  private static SQLException next(SQLException s) {
    SQLException n = s.getNextException();
    if (n != null && n != s) {
      return n;
    }
    return s.getCause() instanceof SQLException c && c != s ? c : null;
  }

  private static SQLException firstSql(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException s) {
        return s;
      }
    }
    return null;
  }

  /** The SQLState of the first exception of the chain that has one, else the exception's class. */
  static String cause(Throwable e) {
    for (SQLException s = firstSql(e); s != null; s = next(s)) {
      if (s.getSQLState() != null && !s.getSQLState().isEmpty()) {
        return s.getSQLState();
      }
    }
    return e.getClass().getSimpleName();
  }

  /** The database's message, its first line, without the statement text some drivers append. */
  static String message(Throwable e) {
    SQLException s = firstSql(e);
    Throwable shown = e;
    for (SQLException x = s; x != null; x = next(x)) {
      shown = x;
      if (!(x instanceof BatchUpdateException)) {
        break;
      }
    }
    String m = shown.getMessage() == null ? shown.getClass().getSimpleName() : shown.getMessage();
    int sql = m.indexOf("; SQL statement:");
    String first = (sql > 0 ? m.substring(0, sql) : m).strip();
    int line = first.indexOf('\n');
    return line > 0 ? first.substring(0, line).strip() : first; // PostgreSQL adds "Where: ..." lines
  }
}
