package dev.cronloop.testkit;

import dev.cronloop.record.Database;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * Real H2 files with the engine's schema and a few runs, and the damage a kill during H2's writes
 * leaves (h2database/h2database#4383): a newest version whose chunk list has lost a chunk its
 * pages still point to, so that every open fails with "Chunk N not found", as H2 2.5.252 did in CI
 * after LeaseIT killed an engine, while the version before it is whole.
 *
 * <p>Damage H2 mends by itself does not do: a file cut where the store header points, or the
 * newest chunk's header overwritten, are both rolled back by H2 on open to the newest chunk it
 * finds whole (tried with 2.5.252), so they reproduce nothing.
 */
public final class DamagedH2 {
  /** The block size of an MVStore file, in which chunk positions count. */
  private static final int BLOCK = 4096;

  private DamagedH2() {}

  /** Makes the database of {@code jdbcUrl} as the engine does, with runs 1 to {@code count}; closed. */
  public static void withRuns(String jdbcUrl, int count) throws SQLException {
    try (Database db = Database.open(jdbcUrl, 2);
        Connection c = db.dataSource().getConnection();
        PreparedStatement insert = c.prepareStatement("INSERT INTO runs (id, job_id, node, trigger,"
            + " fired_at, status) VALUES (?, 'tick', 'n', 'MANUAL', CURRENT_TIMESTAMP, 'OK')")) {
      for (long id = 1; id <= count; id++) {
        insert.setLong(1, id);
        insert.executeUpdate();
      }
    }
  }

  /** The ids in {@code runs} of the database of {@code jdbcUrl}, opened as the engine opens it. */
  public static List<Long> runIds(String jdbcUrl) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (Database db = Database.open(jdbcUrl, 2);
        Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM runs ORDER BY id")) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
    }
    return ids;
  }

  /**
   * Stores a new version of the closed H2 file {@code mvDb} whose chunk list lacks the chunk that
   * holds the root of its meta map, the first page H2 reads after the chunk list; returns that
   * chunk's id. The version before stays whole. H2 offers no way to write its chunk list, as it
   * should not, so its private field is written here.
   */
  public static int loseMetaChunk(Path mvDb) throws ReflectiveOperationException {
    MVStore store = new MVStore.Builder().fileName(mvDb.toString()).open();
    try {
      int chunk = DataUtils.getPageChunkId(store.getMetaMap().getRootPage().getPos());
      Field field = FileStore.class.getDeclaredField("layout");
      field.setAccessible(true);
      @SuppressWarnings("unchecked")
      MVMap<String, String> layout = (MVMap<String, String>) field.get(store.getFileStore());
      String key = "chunk." + Integer.toHexString(chunk);
      if (!layout.containsKey(key)) { // the newest chunk, which the list names from the next version on
        layout.put("cronloop.test", "");
        layout.remove("cronloop.test");
        store.commit(); // a version that changes only the chunk list, so the maps stay in that chunk
      }
      if (layout.remove(key) == null) {
        throw new IllegalStateException("chunk " + chunk + " is not in the chunk list of " + mvDb);
      }
      store.commit();
      return chunk;
    } finally {
      store.closeImmediately(); // as a kill does; a close would check the chunk list (with -ea) and fail
    }
  }

  /**
   * Overwrites the length of the meta map's root page in the closed H2 file {@code mvDb} with
   * zeros, as a write cut short can, so that H2 finds the file corrupted (its error 90030) when it
   * opens it; returns the chunk that holds the page.
   */
  public static int breakMetaRootPage(Path mvDb) throws IOException {
    int chunk;
    long at;
    try (MVStore store = new MVStore.Builder().fileName(mvDb.toString()).readOnly().open()) {
      long pos = store.getMetaMap().getRootPage().getPos();
      chunk = DataUtils.getPageChunkId(pos);
      String entry = store.getLayoutMap().get("chunk." + Integer.toHexString(chunk));
      Object block16 = entry == null // the newest chunk, which the store header names
          ? store.getStoreHeader().get("block") : DataUtils.parseMap(entry).get("block");
      long block = Long.parseLong(String.valueOf(block16), 16);
      at = block * BLOCK + DataUtils.getPageOffset(pos);
    }
    try (FileChannel file = FileChannel.open(mvDb, StandardOpenOption.WRITE)) {
      file.write(ByteBuffer.allocate(Integer.BYTES), at);
    }
    return chunk;
  }
}
