package dev.cronloop.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Data faults (the rows') against outages (the database's), by SQLState class and driver type. */
class SqlFaultTest {

  @ParameterizedTest(name = "SQLState {0} is {1}")
  @CsvSource({
    "22001, DATA", // string data, right truncation (value too long)
    "22003, DATA", // numeric value out of range
    "22021, DATA", // character not in repertoire (PostgreSQL: NUL in text)
    "23505, DATA", // unique violation
    "23502, DATA", // not null violation
    "08006, OUTAGE", // connection failure
    "08001, OUTAGE",
    "53300, OUTAGE", // too many connections
    "57P01, OUTAGE", // admin shutdown
    "40001, OUTAGE", // serialization failure
    "40P01, OUTAGE", // deadlock
    "42P01, OUTAGE", // undefined table: not the rows' fault
    "90098, OUTAGE", // H2: database closed
    "HY000, OUTAGE",
  })
  void sql_state_classes(String state, SqlFault expected) {
    assertThat(SqlFault.of(new SQLException("x", state))).isEqualTo(expected);
  }

  @Test
  void driver_types_decide_before_the_state() {
    assertThat(SqlFault.of(new SQLDataException("too long"))).isEqualTo(SqlFault.DATA);
    assertThat(SqlFault.of(new SQLIntegrityConstraintViolationException("dup"))).isEqualTo(SqlFault.DATA);
    assertThat(SqlFault.of(new SQLTransientConnectionException("pool timeout", "22001"))).isEqualTo(SqlFault.OUTAGE);
    assertThat(SqlFault.of(new SQLNonTransientConnectionException("closed"))).isEqualTo(SqlFault.OUTAGE);
    assertThat(SqlFault.of(new SQLException("no state"))).isEqualTo(SqlFault.OUTAGE);
  }

  @Test
  void a_batch_exception_is_judged_by_the_exception_it_holds() {
    BatchUpdateException h2Style = new BatchUpdateException("batch", (String) null, 0, new int[0], null);
    h2Style.setNextException(new SQLException("Value too long for column \"URL\"; SQL statement:\nINSERT", "22001"));
    BatchUpdateException outage = new BatchUpdateException("batch", "08006", 0, new int[0], null);

    assertThat(SqlFault.of(h2Style)).isEqualTo(SqlFault.DATA);
    assertThat(SqlFault.cause(h2Style)).isEqualTo("22001");
    assertThat(SqlFault.message(h2Style)).isEqualTo("Value too long for column \"URL\"");
    assertThat(SqlFault.of(outage)).isEqualTo(SqlFault.OUTAGE);
  }

  @Test
  void an_exception_that_is_no_sql_exception_is_looked_for_in_the_rows() {
    assertThat(SqlFault.of(new IllegalStateException("driver bug"))).isEqualTo(SqlFault.DATA);
    assertThat(SqlFault.of(new RuntimeException(new SQLException("gone", "08003")))).isEqualTo(SqlFault.OUTAGE);
  }
}
