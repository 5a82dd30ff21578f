package dev.cronloop.definition;

import dev.cronloop.definition.SourceTree.Node;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads one job file (YAML, a YAML stream of several jobs, or JSON) into {@link JobDefinition}s and
 * every {@link Problem} in it, each at the line and column a person must edit. The format is the
 * contract of DESIGN.md, "Job files".
 *
 * <p>Choices this class makes:
 *
 * <ul>
 *   <li>A job with a problem is not loaded; the other jobs of the file are. A syntax error loads no
 *       job of its file, since what follows it cannot be trusted.
 *   <li>{@code ${VAR}} and {@code ${VAR:-default}} are replaced in every string value except {@code
 *       name}, {@code schedule} and {@code zone}: those fix a job's identity and timing, which
 *       every node of a cluster must agree on and which logs show. Messages quote values as written
 *       in the file, never after substitution, and never quote header values or bodies.
 *   <li>Job-level {@code headers}, {@code expect} and {@code timeout} are defaults for each
 *       request; the request's own win (headers by name, ignoring case; expect per check).
 *   <li>{@code contentHash} is the SHA-256 of the file name, the job's own document and its {@code
 *       urlsFrom} file. The environment is left out: it is fixed for the life of a process, and a
 *       hash of a secret could be guessed back.
 * </ul>
 *
 * <p>Each document is read by a {@link JobReader}. Requests ({@link RequestListReader}), their
 * options ({@link RequestOptionsReader}), checks ({@link ExpectReader}) and TLS/auth ({@link
 * TlsAuthReader}) have readers of their own, each owning its keys and defaults, which share one
 * {@link NodeReader} that places every problem at its line and column.
 *
 * <p>Runs on: whichever thread calls it (it reads {@code urlsFrom} files: never the event loop).
 * Instances are immutable and thread-safe.
 */
public final class JobFileParser {

  /** The zone a schedule is read in when the job names none. */
  public static final ZoneId DEFAULT_ZONE = ZoneId.of("UTC");

  /** Requests of one job in flight at once, when the job does not say. */
  public static final int DEFAULT_CONCURRENCY = 50;

  public static final Overlap DEFAULT_OVERLAP = Overlap.SKIP;
  public static final Misfire DEFAULT_MISFIRE = Misfire.FIRE_ONCE;

  private final Function<String, String> env;

  /**
   * @param env the environment {@code ${VAR}} reads from, e.g. {@code System::getenv}; returns null
   *     for an unset variable
   */
  public JobFileParser(Function<String, String> env) {
    this.env = Objects.requireNonNull(env, "env");
  }

  /** A parser reading {@code ${VAR}} from a fixed map; handy for tests and embedding. */
  public static JobFileParser withEnv(Map<String, String> env) {
    Map<String, String> copy = Map.copyOf(env);
    return new JobFileParser(copy::get);
  }

  /**
   * What one file holds.
   *
   * @param jobs the jobs without problems, in file order
   * @param problems every problem found, in file order
   */
  public record Result(List<JobDefinition> jobs, List<Problem> problems) {
    public Result {
      jobs = List.copyOf(jobs);
      problems = List.copyOf(problems);
    }

    public boolean ok() {
      return problems.isEmpty();
    }
  }

  /** A loaded job and where its id is written, so that a duplicate id can point there. */
  record Located(JobDefinition job, int line, int column) {}

  /**
   * What one file holds, with where each job's id is written.
   *
   * @param reads the files named by {@code urlsFrom} (found or not), so a watcher can re-read this
   *     file when one of them changes
   */
  record LocatedResult(List<Located> jobs, List<Problem> problems, Set<Path> reads, List<Channel> channels) {
    LocatedResult(List<Located> jobs, List<Problem> problems, Set<Path> reads) {
      this(jobs, problems, reads, List.of());
    }

    LocatedResult(List<Located> jobs, List<Problem> problems) {
      this(jobs, problems, Set.of());
    }
  }

  /** Reads and parses {@code file}; a file that cannot be read is one problem. */
  public Result parse(Path file) {
    LocatedResult r = parseLocated(file);
    return new Result(r.jobs().stream().map(Located::job).toList(), r.problems());
  }

  /**
   * Parses {@code text} as the content of {@code file}. The file's extension picks JSON or YAML;
   * {@code urlsFrom} paths are read relative to the file's folder.
   */
  public Result parse(Path file, String text) {
    LocatedResult r = parseLocated(file, text);
    return new Result(r.jobs().stream().map(Located::job).toList(), r.problems());
  }

  LocatedResult parseLocated(Path file) {
    String text;
    try {
      text = readUtf8(file);
    } catch (CharacterCodingException e) {
      return new LocatedResult(
          List.of(), List.of(new Problem(file, 0, 0, "not UTF-8 text; save the file as UTF-8")));
    } catch (IOException e) {
      return new LocatedResult(
          List.of(),
          List.of(
              new Problem(file, 0, 0, "cannot read the file (" + e + "); check its permissions")));
    }
    return parseLocated(file, text);
  }

  LocatedResult parseLocated(Path file, String text) {
    boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    SourceTree.Parsed parsed = SourceTree.read(file, text, json);
    List<Problem> problems = new ArrayList<>();
    List<Located> jobs = new ArrayList<>();
    List<Node> docs = parsed.documents();
    Set<Path> reads = new LinkedHashSet<>();
    List<Channel> channels = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      if (ChannelsReader.isChannels(docs.get(i))) { // a channels file: never taken for a job
        NodeReader nodes = new NodeReader(file, text, env, problems);
        channels.addAll(new ChannelsReader(nodes, problems).read((SourceTree.MapNode) docs.get(i)));
        continue;
      }
      int from = docs.get(i).pos().offset();
      int to = i + 1 < docs.size() ? docs.get(i + 1).pos().offset() : text.length();
      String source =
          text.substring(
              Math.min(from, text.length()), Math.max(from, Math.min(to, text.length())));
      JobReader reader = new JobReader(file, text, env, problems, i + 1, docs.size());
      Located job = reader.read(docs.get(i), source);
      reads.addAll(reader.reads());
      if (job != null) {
        jobs.add(job);
      }
    }
    if (parsed.syntaxError() != null) {
      problems.add(parsed.syntaxError());
      jobs.clear();
      channels.clear();
    } else if (docs.isEmpty()) {
      problems.add(
          new Problem(
              file,
              1,
              1,
              "no job in this file; write a job (schedule: and requests:) or delete the file"));
    }
    duplicateNames(file, jobs, problems);
    problems.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
    return new LocatedResult(jobs, problems, reads, channels);
  }

  /** Two jobs of one stream with one id: neither loads. */
  private static void duplicateNames(Path file, List<Located> jobs, List<Problem> problems) {
    Map<String, List<Located>> byId = new LinkedHashMap<>();
    for (Located j : jobs) {
      byId.computeIfAbsent(j.job().id(), k -> new ArrayList<>()).add(j);
    }
    for (Map.Entry<String, List<Located>> e : byId.entrySet()) {
      if (e.getValue().size() > 1) {
        for (Located j : e.getValue()) {
          problems.add(
              new Problem(
                  file,
                  j.line(),
                  j.column(),
                  "job id \""
                      + e.getKey()
                      + "\" is used by "
                      + e.getValue().size()
                      + " jobs in this file; give each a different name:"));
        }
        jobs.removeAll(e.getValue());
      }
    }
  }

  /** The file's text; bytes that are not UTF-8 throw {@link CharacterCodingException}. */
  static String readUtf8(Path file) throws IOException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
        .toString();
  }

  /** The content hash of a job: SHA-256 over its parts, each ended by a zero byte. */
  static String hash(String fileName, String source, String urlsContent) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part : List.of(fileName, source, urlsContent)) {
        sha.update(part.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
