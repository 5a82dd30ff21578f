package dev.cronloop.record;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.cronloop.model.FetchRow;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only file where outcomes wait while the database is away: one JSON line per write,
 * after a first line that names the journal with a random id. Each append is forced to disk
 * before the writes count as recorded.
 *
 * <p>Exactly once: a replay writes every entry and a row of {@code journal_replays} naming the
 * journal in one transaction, then deletes the file. A journal whose id is already in {@code
 * journal_replays} (the process died between the commit and the delete) is deleted without
 * writing anything again. A last line cut short by a crash is left out with a warning.
 *
 * <p>Confined to the recorder thread, or to the thread that opens the engine before the recorder
 * starts.
 */
final class Journal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Journal.class);
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  /** One line of the journal: exactly one of its fields is set. */
  record Entry(String journal, RunRow run, FetchRow fetch, Write.FinishRun finish) {}

  private final Path file;
  private FileChannel channel;
  private long entries;

  Journal(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /**
   * Replays the journal a previous process left at {@code file}, exactly once, and deletes it.
   * Blocking; call at start, before runs of this node are marked INTERRUPTED, as the journal may
   * finish some.
   *
   * @return how many writes were replayed
   */
  static int replayLeftAt(Path file, DataSource dataSource) throws SQLException, IOException {
    return replayLeftAt(file, dataSource, java.time.InstantSource.system());
  }

  /** {@link #replayLeftAt(Path, DataSource)}, stamping the replay from {@code clock}. */
  static int replayLeftAt(Path file, DataSource dataSource, java.time.InstantSource clock)
      throws SQLException, IOException {
    return new Journal(file).replay(dataSource, new Rejections(), clock);
  }

  /** Writes not yet replayed, as far as this process appended them. */
  long entries() {
    return entries;
  }

  /** Appends the batch and forces it to disk. */
  void append(List<Write> batch) throws IOException {
    if (channel == null) {
      open();
    }
    StringBuilder lines = new StringBuilder(batch.size() * 256);
    for (Write w : batch) {
      lines.append(JSON.writeValueAsString(entry(w))).append('\n');
    }
    ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
    channel.force(false);
    entries += batch.size();
  }

  /**
   * Writes the journal's entries to the database, exactly once, and deletes the file. Does
   * nothing when there is no journal.
   *
   * <p>Entries the database refuses for their data are settled as the recorder settles them (see
   * {@link OutcomeStore}): the others commit, and the journal never keeps a write that can never
   * be written.
   *
   * @return how many writes were replayed (0 when the file was absent or already replayed)
   * @throws SQLException when the database is still away; the journal is left as it is
   */
  int replay(DataSource dataSource, Rejections rejections, java.time.InstantSource clock) throws SQLException, IOException {
    close();
    if (!Files.exists(file)) {
      entries = 0;
      return 0;
    }
    String id = null;
    List<Write> writes = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        Entry e;
        try {
          e = JSON.readValue(line, Entry.class);
        } catch (IOException bad) {
          log.warn("{}:{}: unreadable journal line left out (a write cut short by a crash?)", file, number);
          continue;
        }
        if (e.journal() != null) {
          id = e.journal();
        } else if (e.run() == null && e.fetch() == null && e.finish() == null) {
          log.warn("{}:{}: journal line holds no write; left out", file, number);
        } else {
          writes.add(write(e));
        }
      }
    }
    int replayed = 0;
    if (id != null && !writes.isEmpty()) {
      try (OutcomeStore store = new OutcomeStore(dataSource, rejections).clock(clock)) {
        replayed = store.replay(writes, id) ? writes.size() : 0;
      }
    }
    Files.delete(file);
    entries = 0;
    return replayed;
  }

  private void open() throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    boolean fresh = !Files.exists(file) || Files.size(file) == 0;
    channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    if (fresh) {
      String head = JSON.writeValueAsString(new Entry(UUID.randomUUID().toString(), null, null, null)) + "\n";
      channel.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.UTF_8)));
    }
  }

  private static Entry entry(Write w) {
    if (w instanceof Write.InsertRun r) {
      return new Entry(null, r.run(), null, null);
    }
    if (w instanceof Write.InsertFetch f) {
      return new Entry(null, null, f.fetch(), null);
    }
    return new Entry(null, null, null, (Write.FinishRun) w);
  }

  private static Write write(Entry e) {
    if (e.run() != null) {
      return new Write.InsertRun(e.run());
    }
    if (e.fetch() != null) {
      return new Write.InsertFetch(e.fetch());
    }
    return e.finish();
  }

  @Override
  public void close() {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    channel = null;
  }
}
