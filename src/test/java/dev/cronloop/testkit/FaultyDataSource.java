package dev.cronloop.testkit;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A real database behind a fault, for recorder tests. {@link #switchable}: while {@link #down} is
 * set, new connections are refused and statements on open ones fail, as when the database server
 * goes away. {@link #failingBatches}: the n-th {@code executeBatch} (counted from 1 over all
 * statements) throws what the fault returns for n, when it returns something.
 */
public final class FaultyDataSource implements DataSource {
  private final DataSource real;
  private final AtomicBoolean down = new AtomicBoolean();
  private final AtomicInteger connections = new AtomicInteger();
  private final IntFunction<Throwable> batchFault;
  private final AtomicInteger batches;

  private FaultyDataSource(DataSource real, IntFunction<Throwable> batchFault, AtomicInteger batches) {
    this.real = real;
    this.batchFault = batchFault;
    this.batches = batches;
  }

  /** {@code real}, unreachable while {@link #down} is set. */
  public static FaultyDataSource switchable(DataSource real) {
    return new FaultyDataSource(real, n -> null, new AtomicInteger());
  }

  /** {@code real}, whose n-th {@code executeBatch} throws {@code fault.apply(n)} when not null; counted in {@code calls}. */
  public static FaultyDataSource failingBatches(DataSource real, IntFunction<Throwable> fault, AtomicInteger calls) {
    return new FaultyDataSource(real, fault, calls);
  }

  /** Makes the database unreachable ({@code true}) or reachable again. */
  public void down(boolean unreachable) {
    down.set(unreachable);
  }

  /** Connections asked for so far, refused or not. */
  public int connectionsAsked() {
    return connections.get();
  }

  @Override
  public Connection getConnection() throws SQLException {
    connections.incrementAndGet();
    refuseWhileDown();
    Connection c = real.getConnection();
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          if (!method.getName().equals("close") && !method.getName().equals("rollback")) {
            refuseWhileDown();
          }
          Object result = invoke(method, c, args);
          return result instanceof PreparedStatement s ? statement(s) : result;
        });
  }

  private PreparedStatement statement(PreparedStatement s) {
    return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
          if (method.getName().equals("executeBatch")) {
            Throwable t = batchFault.apply(batches.incrementAndGet());
            if (t != null) {
              s.clearBatch();
              throw t;
            }
          }
          return invoke(method, s, args);
        });
  }

  private void refuseWhileDown() throws SQLException {
    if (down.get()) {
      throw new SQLTransientConnectionException("database unreachable (test switch)");
    }
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    return getConnection();
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return real.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    real.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    real.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return real.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getGlobal();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return real.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }
}
