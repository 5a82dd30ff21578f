package dev.cronloop.definition;

import dev.cronloop.definition.SourceTree.Field;
import dev.cronloop.definition.SourceTree.ListNode;
import dev.cronloop.definition.SourceTree.MapNode;
import dev.cronloop.definition.SourceTree.Node;
import dev.cronloop.definition.SourceTree.Pos;
import dev.cronloop.definition.SourceTree.Scalar;
import dev.cronloop.schedule.Schedule;
import dev.cronloop.schedule.ScheduleException;
import dev.cronloop.schedule.Schedules;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
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
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  /** Total time allowed for one request, when neither the request nor the job says. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  public static final String DEFAULT_METHOD = "GET";

  /** The HTTP methods a request may use. */
  public static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  static final List<String> JOB_KEYS =
      List.of(
          "name",
          "schedule",
          "zone",
          "enabled",
          "concurrency",
          "overlap",
          "misfire",
          "spread",
          "jitter",
          "retention",
          "timeout",
          "retries",
          "headers",
          "expect",
          "requests",
          "urlsFrom",
          "method",
          "body",
          "query",
          "auth",
          "connectTimeout",
          "followRedirects",
          "maxRedirects",
          "tls",
          "maxBodySize",
          "http");
  static final List<String> REQUEST_KEYS =
      List.of(
          "url",
          "method",
          "headers",
          "body",
          "expect",
          "timeout",
          "query",
          "auth",
          "connectTimeout",
          "followRedirects",
          "maxRedirects",
          "tls",
          "maxBodySize",
          "http");
  static final List<String> EXPECT_KEYS =
      List.of(
          "status",
          "maxLatency",
          "bodyContains",
          "bodyMatches",
          "json",
          "headers",
          "certExpiresIn");
  static final List<String> RETRIES_KEYS = List.of("max", "backoff", "on");
  static final List<String> TLS_KEYS = List.of("insecure", "caFile");
  static final List<String> AUTH_KEYS = List.of("user", "password", "bearer");

  private static final Logger log = LoggerFactory.getLogger(JobFileParser.class);

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern JSON_LITERAL =
      Pattern.compile("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?|true|false|null");
  private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(B|KB|KiB|MB|MiB|GB|GiB)?");
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

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
  record LocatedResult(List<Located> jobs, List<Problem> problems, Set<Path> reads) {
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
    for (int i = 0; i < docs.size(); i++) {
      int from = docs.get(i).pos().offset();
      int to = i + 1 < docs.size() ? docs.get(i + 1).pos().offset() : text.length();
      String source =
          text.substring(
              Math.min(from, text.length()), Math.max(from, Math.min(to, text.length())));
      JobReader reader = new JobReader(file, text, problems, i + 1, docs.size());
      Located job = reader.read(docs.get(i), source);
      reads.addAll(reader.reads);
      if (job != null) {
        jobs.add(job);
      }
    }
    if (parsed.syntaxError() != null) {
      problems.add(parsed.syntaxError());
      jobs.clear();
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
    return new LocatedResult(jobs, problems, reads);
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

  private static String readUtf8(Path file) throws IOException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
        .toString();
  }

  /** A string value after substitution; {@code secret} when a variable went into it. */
  private record Value(String text, boolean secret, Scalar source) {}

  /**
   * The parts of an {@code expect} block that were written; null (or empty) for absent. A
   * request's checks win over the job's check by check; json paths and header names merge.
   */
  private record ExpectParts(
      StatusSet status,
      Duration maxLatency,
      String bodyContains,
      Regex bodyMatches,
      Map<String, JsonCheck> json,
      Map<String, HeaderCheck> headers,
      Duration certExpiresIn) {
    static final ExpectParts NONE =
        new ExpectParts(null, null, null, null, Map.of(), Map.of(), null);

    ExpectParts over(ExpectParts defaults) {
      Map<String, JsonCheck> j = new LinkedHashMap<>(defaults.json);
      j.putAll(json);
      Map<String, HeaderCheck> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      h.putAll(defaults.headers);
      h.putAll(headers);
      return new ExpectParts(
          status != null ? status : defaults.status,
          maxLatency != null ? maxLatency : defaults.maxLatency,
          bodyContains != null ? bodyContains : defaults.bodyContains,
          bodyMatches != null ? bodyMatches : defaults.bodyMatches,
          j,
          h,
          certExpiresIn != null ? certExpiresIn : defaults.certExpiresIn);
    }

    Expect toExpect() {
      return new Expect(
          status != null ? status : StatusSet.SUCCESS,
          maxLatency,
          bodyContains,
          bodyMatches,
          List.copyOf(json.values()),
          headers,
          certExpiresIn);
    }
  }

  /** A request body: text as written, or a mapping or list sent as JSON. */
  private record Body(Secret text, boolean json) {}

  /** One query parameter: its value after substitution and as written. */
  private record QueryParam(String name, Secret value, String asWritten) {}

  /**
   * The request settings written at one level (job or request); null or empty for absent. A
   * request's settings win over the job's; headers and query parameters merge by name.
   */
  private record Parts(
      String method,
      Map<String, Secret> headers,
      Body body,
      List<QueryParam> query,
      Auth auth,
      Duration timeout,
      Duration connectTimeout,
      Boolean followRedirects,
      Integer maxRedirects,
      Tls tls,
      Long maxBody,
      Protocol protocol,
      ExpectParts expect) {
    static final Parts NONE =
        new Parts(
            null, Map.of(), null, List.of(), null, null, null, null, null, null, null, null,
            ExpectParts.NONE);

    Parts over(Parts d) {
      Map<String, Secret> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      h.putAll(d.headers);
      for (Map.Entry<String, Secret> e : headers.entrySet()) {
        h.remove(e.getKey()); // the request's spelling of the name wins too
        h.put(e.getKey(), e.getValue());
      }
      Map<String, QueryParam> q = new LinkedHashMap<>();
      d.query.forEach(p -> q.put(p.name(), p));
      query.forEach(p -> q.put(p.name(), p));
      return new Parts(
          method != null ? method : d.method,
          h,
          body != null ? body : d.body,
          List.copyOf(q.values()),
          auth != null ? auth : d.auth,
          timeout != null ? timeout : d.timeout,
          connectTimeout != null ? connectTimeout : d.connectTimeout,
          followRedirects != null ? followRedirects : d.followRedirects,
          maxRedirects != null ? maxRedirects : d.maxRedirects,
          tls != null ? tls : d.tls,
          maxBody != null ? maxBody : d.maxBody,
          protocol != null ? protocol : d.protocol,
          expect.over(d.expect));
    }
  }

  /** Reads one document into one job, adding problems as it goes. Used once. */
  private final class JobReader {
    private final Path file;
    private final String text;
    private final List<Problem> problems;
    private final int docNumber;
    private final int docCount;
    private final Set<Path> reads = new LinkedHashSet<>();
    private String id;
    private boolean bad;
    private final StringBuilder caContents = new StringBuilder();

    JobReader(Path file, String text, List<Problem> problems, int docNumber, int docCount) {
      this.file = file;
      this.text = text;
      this.problems = problems;
      this.docNumber = docNumber;
      this.docCount = docCount;
    }

    Located read(Node doc, String source) {
      if (!(doc instanceof MapNode job)) {
        problem(
            doc.pos(),
            "a job must be a mapping of keys like schedule: and requests: (found "
                + doc.kind()
                + "); write one job per document");
        return null;
      }
      Pos idPos = readId(job);
      String where = "in job \"" + id + "\"";
      checkKeys(job, JOB_KEYS, where);

      ZoneId zone = readZone(job.fields().get("zone"));
      Schedule schedule = readSchedule(job);
      boolean enabled = readBoolean(job.fields().get("enabled"), true);
      int concurrency = readInt(job.fields().get("concurrency"), DEFAULT_CONCURRENCY, 1);
      Overlap overlap = readEnum(job.fields().get("overlap"), Overlap.class, DEFAULT_OVERLAP);
      Misfire misfire = readEnum(job.fields().get("misfire"), Misfire.class, DEFAULT_MISFIRE);
      Duration spread = readDuration(job.fields().get("spread"), Duration.ZERO, false);
      Duration jitter = readDuration(job.fields().get("jitter"), Duration.ZERO, false);
      Retries retries = readRetries(job.fields().get("retries"));
      Duration retention = readDuration(job.fields().get("retention"), null, true);
      Parts defaults = readParts(job, where, "in expect of job \"" + id + "\"");
      int before = problems.size();
      List<RequestSpec> requests = readRequests(job.fields().get("requests"), defaults);
      UrlList urls = readUrlsFrom(job.fields().get("urlsFrom"), defaults);
      requests.addAll(urls.requests());
      if (requests.isEmpty() && problems.size() == before) { // not when every request was bad
        problem(
            job.pos(),
            "job \""
                + id
                + "\" has no request; add requests: with a URL, or urlsFrom: a file of URLs");
      }
      if (bad) {
        return null;
      }
      String hash = hash(file.getFileName().toString(), source, urls.content() + caContents);
      if (requests.stream().anyMatch(r -> r.tls().insecure())) {
        log.warn(
            "job \"{}\" ({}) skips TLS certificate and host name verification (tls.insecure: "
                + "true): its targets' identity is not checked",
            id,
            file);
      }
      JobDefinition def =
          new JobDefinition(
              id,
              file,
              schedule,
              enabled,
              concurrency,
              overlap,
              misfire,
              spread,
              jitter,
              retries,
              requests,
              hash,
              retention);
      return new Located(def, idPos.line(), idPos.column());
    }

    private record UrlList(List<RequestSpec> requests, String content) {}

    // ---- problems and places

    private void problem(Pos pos, String message) {
      problems.add(new Problem(file, pos.line(), pos.column(), message));
      bad = true;
    }

    /**
     * The column of character {@code index} of a scalar's text. It maps only when the text is
     * written on one line without escapes; else the column of the scalar itself.
     */
    private int column(Scalar s, int index) {
      int at = s.pos().offset();
      if (at >= text.length()) {
        return s.pos().column();
      }
      char c = text.charAt(at);
      int skip = c == '"' || c == '\'' ? 1 : 0;
      if (text.regionMatches(at + skip, s.text(), 0, s.text().length())) {
        return s.pos().column() + skip + index;
      }
      return s.pos().column();
    }

    private void checkKeys(MapNode map, List<String> known, String where) {
      for (Field f : map.fields().values()) {
        if (!known.contains(f.key())) {
          String fix =
              Spelling.closest(f.key(), known)
                  .map(k -> "did you mean \"" + k + "\"?")
                  .orElse("remove it or use one of: " + String.join(", ", known));
          problem(f.keyPos(), "unknown key \"" + f.key() + "\" " + where + "; " + fix);
        }
      }
      for (Field f : map.duplicates()) {
        problem(
            f.keyPos(), "key \"" + f.key() + "\" appears twice " + where + "; remove one of them");
      }
    }

    // ---- scalars

    /** The scalar of {@code f}, or null with a problem when it is not one. */
    private Scalar scalar(Field f, String expected) {
      if (f.value() instanceof Scalar s && s.alias()) {
        problem(
            s.pos(),
            f.key() + " uses a YAML alias (found \"" + s.text() + "\"); write the value out");
        return null;
      }
      if (f.value() instanceof Scalar s && s.text() != null) {
        return s;
      }
      problem(
          f.value().pos(),
          f.key()
              + " must be "
              + expected
              + " (found "
              + f.value().kind()
              + "); write e.g. "
              + f.key()
              + ": "
              + example(f.key()));
      return null;
    }

    private String example(String key) {
      return switch (key) {
        case "maxRedirects" -> "5";
        case "maxBodySize" -> "1MiB";
        case "connectTimeout" -> "2s";
        case "certExpiresIn" -> "30d";
        case "followRedirects", "insecure" -> "true";
        case "schedule" -> "\"0 */5 * * * ?\"";
        case "zone" -> "Europe/Berlin";
        case "enabled" -> "true";
        case "concurrency" -> String.valueOf(DEFAULT_CONCURRENCY);
        case "overlap" -> "skip";
        case "misfire" -> "fire-once";
        case "max" -> "2";
        case "method" -> "GET";
        case "status" -> "\"200-299\"";
        case "url" -> "https://example.org/health";
        case "urlsFrom" -> "targets.txt";
        case "timeout", "spread", "jitter", "backoff", "maxLatency" -> "5s";
        default -> "\"text\"";
      };
    }

    /** A string value with {@code ${VAR}} replaced, or null with problems. */
    private Value string(Field f, String expected) {
      Scalar s = scalar(f, expected);
      return s == null ? null : substitute(s);
    }

    private Value substitute(Scalar s) {
      Substitution.Result r = Substitution.apply(s.text(), env);
      for (Substitution.Error e : r.errors()) {
        problems.add(new Problem(file, s.pos().line(), column(s, e.index()), e.message()));
        bad = true;
      }
      return r.value() == null ? null : new Value(r.value(), r.substituted(), s);
    }

    /** A string value that must be written literally (no {@code ${VAR}}). */
    private Scalar literal(Field f, String expected) {
      Scalar s = scalar(f, expected);
      if (s != null && s.text().contains("${")) {
        problem(
            s.pos(),
            f.key()
                + " cannot use ${VAR} (found \""
                + s.text()
                + "\"); write it literally, since "
                + "every node must read the same "
                + f.key());
        return null;
      }
      return s;
    }

    private String quoted(Value v) {
      return "\"" + v.source().text() + "\"";
    }

    // ---- job keys

    private Pos readId(MapNode job) {
      Field name = job.fields().get("name");
      String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
      id = stem;
      if (name == null) {
        if (docCount > 1) {
          id = stem + "#" + docNumber;
          problem(
              job.pos(),
              "job "
                  + docNumber
                  + " of "
                  + docCount
                  + " in this file has no name; give every job "
                  + "of a multi-job file a name: key");
        } else if (!ID.matcher(stem).matches()) {
          problem(
              new Pos(1, 1, 0),
              "file name \""
                  + stem
                  + "\" is not a valid job id; add name: with letters, digits, "
                  + "'.', '_' or '-', or rename the file");
        }
        return job.pos();
      }
      Scalar s = literal(name, "text");
      if (s == null) {
        return name.value().pos();
      }
      id = s.text();
      if (!ID.matcher(id).matches()) {
        problem(
            s.pos(),
            "name must start with a letter or digit and hold only letters, digits, '.', '_' or '-' "
                + "(found \""
                + id
                + "\"); rename the job");
      }
      return s.pos();
    }

    private ZoneId readZone(Field f) {
      if (f == null) {
        return DEFAULT_ZONE;
      }
      Scalar s = literal(f, "an IANA time zone");
      if (s == null) {
        return DEFAULT_ZONE;
      }
      if (ZoneId.getAvailableZoneIds().contains(s.text())) {
        return ZoneId.of(s.text());
      }
      String fix =
          Spelling.closest(s.text(), ZoneId.getAvailableZoneIds())
              .map(z -> "did you mean \"" + z + "\"?")
              .orElse("use an IANA name such as UTC or Europe/Berlin");
      problem(s.pos(), "zone is not an IANA time zone (found \"" + s.text() + "\"); " + fix);
      return DEFAULT_ZONE;
    }

    private Schedule readSchedule(MapNode job) {
      Field f = job.fields().get("schedule");
      if (f == null) {
        problem(
            job.pos(), "job \"" + id + "\" has no schedule; add e.g. schedule: \"0 */5 * * * ?\"");
        return null;
      }
      Scalar s = literal(f, "a schedule expression");
      if (s == null) {
        return null;
      }
      ZoneId zone = readZoneQuietly(job.fields().get("zone"));
      try {
        return Schedules.parse(s.text(), zone);
      } catch (ScheduleException e) {
        problems.add(
            new Problem(
                file,
                s.pos().line(),
                column(s, Math.max(0, e.offset())),
                "schedule \"" + s.text() + "\": " + e.getMessage()));
        bad = true;
        return null;
      }
    }

    /** The zone for the schedule; problems with it are reported once, by readZone. */
    private ZoneId readZoneQuietly(Field f) {
      if (f != null
          && f.value() instanceof Scalar s
          && s.text() != null
          && ZoneId.getAvailableZoneIds().contains(s.text())) {
        return ZoneId.of(s.text());
      }
      return DEFAULT_ZONE;
    }

    private boolean readBoolean(Field f, boolean fallback) {
      if (f == null) {
        return fallback;
      }
      Value v = string(f, "true or false");
      if (v == null) {
        return fallback;
      }
      return switch (v.text()) {
        case "true" -> true;
        case "false" -> false;
        default -> {
          problem(v.source().pos(), f.key() + " must be true or false (found " + quoted(v) + ")");
          yield fallback;
        }
      };
    }

    private int readInt(Field f, int fallback, int min) {
      if (f == null) {
        return fallback;
      }
      Value v = string(f, "a whole number");
      if (v == null) {
        return fallback;
      }
      try {
        int n = Integer.parseInt(v.text().strip());
        if (n >= min) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      problem(
          v.source().pos(),
          f.key()
              + " must be a whole number of at least "
              + min
              + " (found "
              + quoted(v)
              + "); write e.g. "
              + f.key()
              + ": "
              + example(f.key()));
      return fallback;
    }

    private <E extends Enum<E>> E readEnum(Field f, Class<E> type, E fallback) {
      if (f == null) {
        return fallback;
      }
      Value v = string(f, "one of " + words(type));
      if (v == null) {
        return fallback;
      }
      List<String> names = new ArrayList<>();
      for (E e : type.getEnumConstants()) {
        String word = e.name().toLowerCase(Locale.ROOT).replace('_', '-');
        if (word.equals(v.text().strip())) {
          return e;
        }
        names.add(word);
      }
      String fix =
          Spelling.closest(v.text(), names)
              .map(n -> "did you mean \"" + n + "\"?")
              .orElse("use " + words(type));
      problem(
          v.source().pos(),
          f.key() + " must be " + words(type) + " (found " + quoted(v) + "); " + fix);
      return fallback;
    }

    private <E extends Enum<E>> String words(Class<E> type) {
      List<String> names = new ArrayList<>();
      for (E e : type.getEnumConstants()) {
        names.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
      }
      return String.join(", ", names.subList(0, names.size() - 1))
          + " or "
          + names.get(names.size() - 1);
    }

    /** A duration; {@code positive} refuses zero too. Null when absent and fallback is null. */
    private Duration readDuration(Field f, Duration fallback, boolean positive) {
      if (f == null) {
        return fallback;
      }
      Value v = string(f, "a duration like 5s");
      if (v == null) {
        return fallback;
      }
      try {
        Duration d = DurationText.parse(v.text(), v.source().text());
        if (positive && d.isZero()) {
          problem(
              v.source().pos(),
              f.key()
                  + " must be more than zero (found "
                  + quoted(v)
                  + "); write e.g. "
                  + f.key()
                  + ": 5s");
          return fallback;
        }
        return d;
      } catch (IllegalArgumentException e) {
        problem(v.source().pos(), f.key() + " " + e.getMessage());
        return fallback;
      }
    }

    private Retries readRetries(Field f) {
      if (f == null) {
        return Retries.NONE;
      }
      MapNode m =
          mapping(
              f,
              "retries must be a mapping",
              "write e.g. retries: { max: 2, backoff: 200ms }");
      if (m == null) {
        return Retries.NONE;
      }
      checkKeys(m, RETRIES_KEYS, "in retries of job \"" + id + "\"");
      int max = readInt(m.fields().get("max"), Retries.NONE.max(), 0);
      Duration backoff = readDuration(m.fields().get("backoff"), Retries.NONE.backoff(), false);
      return new Retries(max, backoff, readRetryOn(m.fields().get("on")));
    }

    /** True when {@code h} names a valid HTTP header; otherwise reports it and says false. */
    private boolean validHeaderName(Field h, String where) {
      if (HEADER_NAME.matcher(h.key()).matches()) {
        return true;
      }
      problem(
          h.keyPos(),
          "header name \""
              + h.key()
              + "\" "
              + where
              + " is not a valid HTTP header name; use letters, digits and '-'");
      return false;
    }

    private Map<String, Secret> readHeaders(Field f, String where) {
      Map<String, Secret> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      if (f == null) {
        return headers;
      }
      MapNode m =
          mapping(
              f,
              "headers must be a mapping of name to value",
              "write e.g. headers: { Accept: application/json }");
      if (m == null) {
        return headers;
      }
      for (Field h : m.fields().values()) {
        if (!validHeaderName(h, where)) {
          continue;
        }
        if (headers.containsKey(h.key())) {
          problem(
              h.keyPos(),
              "header \""
                  + h.key()
                  + "\" appears twice "
                  + where
                  + " (names ignore case); remove one");
          continue;
        }
        Value v = headerValue(h);
        if (v != null) {
          headers.put(h.key(), Secret.of(v.text()));
        }
      }
      for (Field h : m.duplicates()) {
        problem(h.keyPos(), "header \"" + h.key() + "\" appears twice " + where + "; remove one");
      }
      return headers;
    }

    /** A header value; never quoted in a message, as it may be a credential. */
    private Value headerValue(Field h) {
      if (!(h.value() instanceof Scalar s) || s.text() == null || s.alias()) {
        problem(
            h.value().pos(),
            "header \""
                + h.key()
                + "\" must have a text value (found "
                + h.value().kind()
                + "); quote it, e.g. "
                + h.key()
                + ": \"value\"");
        return null;
      }
      Value v = substitute(s);
      if (v != null && (v.text().indexOf('\n') >= 0 || v.text().indexOf('\r') >= 0)) {
        problem(
            s.pos(), "header \"" + h.key() + "\" holds a line break; write its value on one line");
        return null;
      }
      return v;
    }

    private ExpectParts readExpect(Field f, String where) {
      if (f == null) {
        return ExpectParts.NONE;
      }
      MapNode m =
          mapping(
              f,
              "expect must be a mapping",
              "write e.g. expect: { status: \"200-299\" }");
      if (m == null) {
        return ExpectParts.NONE;
      }
      checkKeys(m, EXPECT_KEYS, where);
      StatusSet status = readStatus(m.fields().get("status"));
      Duration maxLatency = readDuration(m.fields().get("maxLatency"), null, true);
      String bodyContains = null;
      Field bc = m.fields().get("bodyContains");
      if (bc != null) {
        Value v = string(bc, "text");
        bodyContains = v == null ? null : v.text();
      }
      Regex bodyMatches = null;
      Field bm = m.fields().get("bodyMatches");
      if (bm != null) {
        Value v = string(bm, "a regular expression");
        bodyMatches = v == null ? null : regex(v, "bodyMatches");
      }
      return new ExpectParts(
          status,
          maxLatency,
          bodyContains,
          bodyMatches,
          readJsonChecks(m.fields().get("json"), where),
          readHeaderChecks(m.fields().get("headers"), where),
          readDuration(m.fields().get("certExpiresIn"), null, true));
    }

    private StatusSet readStatus(Field f) {
      if (f == null) {
        return null;
      }
      List<StatusSet.Range> ranges = new ArrayList<>();
      if (f.value() instanceof ListNode list) {
        for (Node item : list.items()) {
          Value v =
              item instanceof Scalar s && s.text() != null && !s.alias() ? substitute(s) : null;
          if (v == null) {
            statusProblem(item.pos(), item.kind());
          } else {
            statusRanges(v, ranges);
          }
        }
        if (list.items().isEmpty()) {
          statusProblem(list.pos(), "an empty list");
        }
      } else {
        Value v = string(f, "HTTP status codes");
        if (v != null) {
          statusRanges(v, ranges);
        }
      }
      return ranges.isEmpty() ? null : new StatusSet(ranges);
    }

    private void statusRanges(Value v, List<StatusSet.Range> into) {
      for (String part : v.text().split(",", -1)) {
        String p = part.strip();
        String[] ends = p.split("-", -1);
        try {
          int from = Integer.parseInt(ends[0].strip());
          int to = ends.length == 2 ? Integer.parseInt(ends[1].strip()) : from;
          if (ends.length <= 2 && from >= 100 && to <= 599 && from <= to) {
            into.add(new StatusSet.Range(from, to));
            continue;
          }
        } catch (NumberFormatException e) {
          // reported below
        }
        statusProblem(v.source().pos(), quoted(v));
        return;
      }
    }

    private void statusProblem(Pos pos, String found) {
      problem(
          pos,
          "status must be HTTP codes 100-599 (found "
              + found
              + "); write e.g. 200, \"200-299\", "
              + "[200, 201] or \"200,301-302\"");
    }

    // ---- requests

    private List<RequestSpec> readRequests(Field f, Parts defaults) {
      List<RequestSpec> out = new ArrayList<>();
      if (f == null) {
        return out;
      }
      if (!(f.value() instanceof ListNode list)) {
        problem(
            f.value().pos(),
            "requests must be a list (found "
                + f.value().kind()
                + "); write each request on a "
                + "line starting with '- '");
        return out;
      }
      int n = 0;
      for (Node item : list.items()) {
        n++;
        RequestSpec r = readRequest(item, n, defaults);
        if (r != null) {
          out.add(r);
        }
      }
      return out;
    }

    private RequestSpec readRequest(Node item, int n, Parts defaults) {
      String where = "in request " + n + " of job \"" + id + "\"";
      if (item instanceof Scalar s && s.text() != null && !s.alias()) {
        Value url = substitute(s);
        return url == null || !checkUrl(url.text(), s.text(), s.pos())
            ? null
            : request(url.text(), url.source().text(), defaults);
      }
      if (!(item instanceof MapNode m)) {
        problem(
            item.pos(),
            "request "
                + n
                + " of job \""
                + id
                + "\" must be a URL or a mapping with url: (found "
                + item.kind()
                + ")");
        return null;
      }
      checkKeys(m, REQUEST_KEYS, where);
      Field urlField = m.fields().get("url");
      Value url = null;
      if (urlField == null) {
        problem(
            m.pos(), "request " + n + " of job \"" + id + "\" has no url; add url: https://...");
      } else {
        url = string(urlField, "an http or https URL");
        if (url != null && !checkUrl(url.text(), url.source().text(), url.source().pos())) {
          url = null;
        }
      }
      Parts parts =
          readParts(m, where, "in expect of request " + n + " of job \"" + id + "\"")
              .over(defaults);
      if (url == null) {
        return null;
      }
      return request(url.text(), url.source().text(), parts);
    }

    /** Every request setting written in {@code m}, a job or one of its requests. */
    private Parts readParts(MapNode m, String where, String expectWhere) {
      Map<String, Field> f = m.fields();
      String method = f.get("method") == null ? null : readMethod(f.get("method"));
      Field bodyField = f.get("body");
      return new Parts(
          method,
          readHeaders(f.get("headers"), where),
          bodyField == null ? null : readBody(bodyField),
          readQuery(f.get("query"), where),
          readAuth(f.get("auth"), where),
          readDuration(f.get("timeout"), null, true),
          readDuration(f.get("connectTimeout"), null, true),
          f.get("followRedirects") == null ? null : readBoolean(f.get("followRedirects"), true),
          f.get("maxRedirects") == null
              ? null
              : readInt(f.get("maxRedirects"), RequestSpec.DEFAULT_MAX_REDIRECTS, 0),
          readTls(f.get("tls"), where),
          readSize(f.get("maxBodySize")),
          readProtocol(f.get("http")),
          readExpect(f.get("expect"), expectWhere));
    }

    /** The request for one URL with every setting resolved; defaults fill what is unwritten. */
    private RequestSpec request(String url, String urlAsWritten, Parts p) {
      Map<String, Secret> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      headers.putAll(p.headers());
      if (p.body() != null && p.body().json() && !headers.containsKey("Content-Type")) {
        headers.put("Content-Type", Secret.of("application/json"));
      }
      StringBuilder full = new StringBuilder(url);
      StringBuilder shown = new StringBuilder(urlAsWritten);
      char sep = url.indexOf('?') >= 0 ? '&' : '?';
      for (QueryParam q : p.query()) {
        full.append(sep).append(encode(q.name())).append('=').append(encode(q.value().reveal()));
        shown.append(sep).append(q.name()).append('=').append(q.asWritten());
        sep = '&';
      }
      Duration timeout = p.timeout() != null ? p.timeout() : DEFAULT_TIMEOUT;
      int redirects =
          Boolean.FALSE.equals(p.followRedirects())
              ? 0
              : p.maxRedirects() != null ? p.maxRedirects() : RequestSpec.DEFAULT_MAX_REDIRECTS;
      return new RequestSpec(
          p.method() != null ? p.method() : DEFAULT_METHOD,
          full.toString(),
          headers,
          p.body() == null ? null : p.body().text(),
          timeout,
          p.expect().toExpect(),
          shown.toString(),
          p.connectTimeout(),
          redirects,
          p.auth(),
          p.tls() != null ? p.tls() : Tls.DEFAULT,
          p.maxBody() != null ? p.maxBody() : RequestSpec.DEFAULT_MAX_BODY_BYTES,
          p.protocol() != null ? p.protocol() : Protocol.AUTO);
    }

    private static String encode(String s) {
      return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ---- request settings beyond url, method and headers

    private Body readBody(Field f) {
      if (f.value() instanceof Scalar s && s.text() != null && !s.alias()) {
        Value v = substitute(s);
        return v == null ? null : new Body(Secret.of(v.text()), false);
      }
      if (f.value() instanceof MapNode || f.value() instanceof ListNode) {
        StringBuilder json = new StringBuilder();
        return writeJson(f.value(), json) ? new Body(Secret.of(json.toString()), true) : null;
      }
      problem(
          f.value().pos(),
          "body must be text, or a mapping sent as JSON (found "
              + f.value().kind()
              + "); write e.g. body: { x: 1 }");
      return null;
    }

    /**
     * Writes a YAML or JSON node as JSON text, substituting {@code ${VAR}} in values. A value
     * written unquoted that reads as a JSON number, true, false or null stays one; all else is a
     * string.
     */
    private boolean writeJson(Node node, StringBuilder out) {
      if (node instanceof MapNode m) {
        out.append('{');
        String sep = "";
        for (Field f : m.fields().values()) {
          out.append(sep).append('"').append(jsonEscape(f.key())).append("\":");
          sep = ",";
          if (!writeJson(f.value(), out)) {
            return false;
          }
        }
        for (Field f : m.duplicates()) {
          problem(f.keyPos(), "key \"" + f.key() + "\" appears twice in body; remove one");
        }
        out.append('}');
        return true;
      }
      if (node instanceof ListNode l) {
        out.append('[');
        String sep = "";
        for (Node item : l.items()) {
          out.append(sep);
          sep = ",";
          if (!writeJson(item, out)) {
            return false;
          }
        }
        out.append(']');
        return true;
      }
      Scalar s = (Scalar) node;
      if (s.text() == null) {
        out.append("null");
        return true;
      }
      if (s.alias()) {
        problem(s.pos(), "body uses a YAML alias (found \"" + s.text() + "\"); write the value out");
        return false;
      }
      Value v = substitute(s);
      if (v == null) {
        return false;
      }
      if (!quotedInSource(s) && JSON_LITERAL.matcher(v.text()).matches()) {
        out.append(v.text());
      } else {
        out.append('"').append(jsonEscape(v.text())).append('"');
      }
      return true;
    }

    /**
     * The mapping {@code f} holds, or null when it holds something else, reported as {@code what
     * (found KIND); fix}.
     */
    private MapNode mapping(Field f, String what, String fix) {
      if (f.value() instanceof MapNode m) {
        return m;
      }
      problem(f.value().pos(), what + " (found " + f.value().kind() + "); " + fix);
      return null;
    }

    /** True when a scalar is written in quotes, which makes it a string whatever it reads as. */
    private boolean quotedInSource(Scalar s) {
      int at = s.pos().offset();
      return at < text.length() && (text.charAt(at) == '"' || text.charAt(at) == '\'');
    }

    private List<QueryParam> readQuery(Field f, String where) {
      List<QueryParam> out = new ArrayList<>();
      if (f == null) {
        return out;
      }
      MapNode m =
          mapping(
              f,
              "query must be a mapping of name to value",
              "write e.g. query: { page: 1 }");
      if (m == null) {
        return out;
      }
      for (Field q : m.fields().values()) {
        if (q.value() instanceof Scalar s && s.text() != null && !s.alias()) {
          Value v = substitute(s);
          if (v != null) {
            out.add(new QueryParam(q.key(), Secret.of(v.text()), s.text()));
          }
        } else {
          problem(
              q.value().pos(),
              "query parameter \""
                  + q.key()
                  + "\" "
                  + where
                  + " must have a text value (found "
                  + q.value().kind()
                  + ")");
        }
      }
      for (Field q : m.duplicates()) {
        problem(q.keyPos(), "query parameter \"" + q.key() + "\" appears twice; remove one");
      }
      return out;
    }

    private Auth readAuth(Field f, String where) {
      if (f == null) {
        return null;
      }
      MapNode m =
          mapping(
              f,
              "auth must be a mapping",
              "write auth: { user: me, password: \"${PASSWORD}\" } or auth: { bearer: "
                  + "\"${TOKEN}\" }");
      if (m == null) {
        return null;
      }
      checkKeys(m, AUTH_KEYS, "in auth " + where);
      Field user = m.fields().get("user");
      Field password = m.fields().get("password");
      Field bearer = m.fields().get("bearer");
      if (bearer != null && (user != null || password != null)) {
        problem(m.pos(), "auth has both bearer and user/password; keep one kind " + where);
        return null;
      }
      if (bearer != null) {
        Value t = string(bearer, "a token");
        return t == null ? null : new Auth.Bearer(Secret.of(t.text()));
      }
      if (user == null || password == null) {
        problem(
            m.pos(),
            "auth needs user and password for basic auth, or bearer for a token " + where);
        return null;
      }
      Value u = string(user, "a user name");
      Value pw = string(password, "a password");
      return u == null || pw == null
          ? null
          : new Auth.Basic(Secret.of(u.text()), Secret.of(pw.text()));
    }

    private Tls readTls(Field f, String where) {
      if (f == null) {
        return null;
      }
      MapNode m = mapping(f, "tls must be a mapping", "write e.g. tls: { caFile: ca.pem }");
      if (m == null) {
        return null;
      }
      checkKeys(m, TLS_KEYS, "in tls " + where);
      boolean insecure = readBoolean(m.fields().get("insecure"), false);
      Field ca = m.fields().get("caFile");
      if (ca == null) {
        return new Tls(insecure, null, null);
      }
      Value v = string(ca, "a PEM file name");
      if (v == null) {
        return null;
      }
      Path target;
      try {
        target = file.toAbsolutePath().getParent().resolve(v.text()).normalize();
      } catch (InvalidPathException e) {
        problem(v.source().pos(), "tls.caFile is not a valid path (found " + quoted(v) + ")");
        return null;
      }
      String pem;
      try {
        pem = readUtf8(target);
      } catch (IOException e) {
        problem(
            v.source().pos(),
            "tls.caFile "
                + quoted(v)
                + " cannot be read ("
                + e.getClass().getSimpleName()
                + "); give the path of a PEM file, relative to this job file or absolute");
        return null;
      }
      try {
        var certs =
            java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificates(
                    new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)));
        if (certs.isEmpty()) {
          throw new java.security.cert.CertificateException("no certificate");
        }
      } catch (java.security.cert.CertificateException e) {
        problem(
            v.source().pos(),
            "tls.caFile "
                + quoted(v)
                + " holds no PEM certificate; give a file with -----BEGIN CERTIFICATE----- blocks");
        return null;
      }
      caContents.append(pem);
      return new Tls(insecure, target, pem);
    }

    private Long readSize(Field f) {
      if (f == null) {
        return null;
      }
      Value v = string(f, "a size like 1MiB");
      if (v == null) {
        return null;
      }
      java.util.regex.Matcher m = SIZE.matcher(v.text().strip());
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        long factor =
            switch (unit) {
              case "KB" -> 1_000L;
              case "KiB" -> 1L << 10;
              case "MB" -> 1_000_000L;
              case "MiB" -> 1L << 20;
              case "GB" -> 1_000_000_000L;
              case "GiB" -> 1L << 30;
              default -> 1L;
            };
        if (n > 0 && n <= (1L << 30) / factor) {
          return n * factor;
        }
      }
      problem(
          v.source().pos(),
          f.key()
              + " must be a size from 1 byte to 1GiB (found "
              + quoted(v)
              + "); write e.g. "
              + f.key()
              + ": 1MiB, 512KiB or 65536");
      return null;
    }

    private Protocol readProtocol(Field f) {
      if (f == null) {
        return null;
      }
      Value v = string(f, "auto, 1.1 or 2");
      if (v == null) {
        return null;
      }
      return switch (v.text().strip()) {
        case "auto" -> Protocol.AUTO;
        case "1.1" -> Protocol.HTTP_1_1;
        case "2" -> Protocol.HTTP_2;
        default -> {
          problem(
              v.source().pos(),
              "http must be auto, \"1.1\" or \"2\" (found " + quoted(v) + "); auto offers HTTP/2 "
                  + "over TLS");
          yield null;
        }
      };
    }

    /** Compiles a regex, or adds a problem at the column of the error. */
    private Regex regex(Value v, String key) {
      try {
        return Regex.of(v.text());
      } catch (PatternSyntaxException e) {
        Scalar s = v.source();
        int col = v.secret() ? s.pos().column() : column(s, Math.max(0, e.getIndex()));
        problems.add(
            new Problem(
                file,
                s.pos().line(),
                col,
                key
                    + " is not a valid regular expression ("
                    + e.getDescription()
                    + (v.secret() ? "" : " in \"" + s.text() + "\"")
                    + "); fix it or escape the special character with \\"));
        bad = true;
        return null;
      }
    }

    private Map<String, JsonCheck> readJsonChecks(Field f, String where) {
      Map<String, JsonCheck> out = new LinkedHashMap<>();
      if (f == null) {
        return out;
      }
      MapNode m =
          mapping(
              f,
              "json must be a mapping of path to value",
              "write e.g. json: { /status: up, $.items[0].id: exists }");
      if (m == null) {
        return out;
      }
      for (Field c : m.fields().values()) {
        String pointer = JsonPaths.toPointer(c.key());
        if (pointer == null) {
          problem(
              c.keyPos(),
              "json path \""
                  + c.key()
                  + "\" "
                  + where
                  + " is not valid ("
                  + JsonPaths.whyInvalid(c.key())
                  + "); write a JSON Pointer like /a/b/0 or a path like $.a.b[0]");
          continue;
        }
        if (!(c.value() instanceof Scalar s) || s.alias()) {
          problem(
              c.value().pos(),
              "json check \""
                  + c.key()
                  + "\" must be a value, exists or absent (found "
                  + c.value().kind()
                  + ")");
          continue;
        }
        out.put(c.key(), jsonCheck(c.key(), pointer, s));
      }
      return out;
    }

    private JsonCheck jsonCheck(String path, String pointer, Scalar s) {
      if (s.text() == null) {
        return new JsonCheck(path, pointer, JsonCheck.Kind.EQUALS, "null", false);
      }
      boolean quoted = quotedInSource(s);
      if (!quoted && s.text().equals("exists")) {
        return new JsonCheck(path, pointer, JsonCheck.Kind.EXISTS, null, false);
      }
      if (!quoted && s.text().equals("absent")) {
        return new JsonCheck(path, pointer, JsonCheck.Kind.ABSENT, null, false);
      }
      Value v = substitute(s);
      String t = v == null ? "" : v.text();
      String expected =
          !quoted && JSON_LITERAL.matcher(t).matches() ? t : "\"" + jsonEscape(t) + "\"";
      return new JsonCheck(path, pointer, JsonCheck.Kind.EQUALS, expected, !quoted);
    }

    private Map<String, HeaderCheck> readHeaderChecks(Field f, String where) {
      Map<String, HeaderCheck> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      if (f == null) {
        return out;
      }
      MapNode m =
          mapping(
              f,
              "expect.headers must be a mapping of name to value or /regex/",
              "write e.g. headers: { Content-Type: /json/ }");
      if (m == null) {
        return out;
      }
      for (Field h : m.fields().values()) {
        if (!validHeaderName(h, where)) {
          continue;
        }
        Value v = h.value() instanceof Scalar s && s.text() != null && !s.alias()
            ? substitute(s)
            : null;
        if (v == null) {
          problem(h.value().pos(), "header check \"" + h.key() + "\" must be text or /regex/");
          continue;
        }
        String t = v.text();
        if (t.length() >= 2 && t.startsWith("/") && t.endsWith("/")) {
          Regex r = regex(new Value(t.substring(1, t.length() - 1), v.secret(), v.source()),
              "header check \"" + h.key() + "\"");
          if (r != null) {
            out.put(h.key(), new HeaderCheck(null, r));
          }
        } else {
          out.put(h.key(), new HeaderCheck(t, null));
        }
      }
      return out;
    }

    private Set<RetryOn> readRetryOn(Field f) {
      if (f == null) {
        return Retries.DEFAULT_ON;
      }
      List<Scalar> words = new ArrayList<>();
      if (f.value() instanceof ListNode l) {
        for (Node n : l.items()) {
          if (n instanceof Scalar s && s.text() != null) {
            words.add(s);
          } else {
            problem(n.pos(), "retries.on takes words like connect or 5xx (found " + n.kind() + ")");
          }
        }
      } else {
        Scalar s = scalar(f, "a list like [connect, timeout, 5xx]");
        if (s != null) {
          words.add(s);
        }
      }
      java.util.EnumSet<RetryOn> on = java.util.EnumSet.noneOf(RetryOn.class);
      List<String> known = java.util.Arrays.stream(RetryOn.values()).map(RetryOn::word).toList();
      for (Scalar s : words) {
        for (String w : s.text().split(",")) {
          String word = w.strip();
          RetryOn match =
              java.util.Arrays.stream(RetryOn.values())
                  .filter(r -> r.word().equalsIgnoreCase(word))
                  .findFirst()
                  .orElse(null);
          if (match != null) {
            on.add(match);
            continue;
          }
          String fix =
              Spelling.closest(word, known)
                  .map(k -> "did you mean \"" + k + "\"?")
                  .orElse("use " + String.join(", ", known));
          problem(s.pos(), "retries.on does not know \"" + word + "\"; " + fix);
        }
      }
      return on;
    }

    private String readMethod(Field f) {
      if (f == null) {
        return DEFAULT_METHOD;
      }
      Value v = string(f, "an HTTP method");
      if (v == null) {
        return null;
      }
      String m = v.text().strip().toUpperCase(Locale.ROOT);
      if (METHODS.contains(m)) {
        return m;
      }
      problem(
          v.source().pos(),
          "method is not supported (found "
              + quoted(v)
              + "); use GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS");
      return null;
    }

    /** True when {@code url} is an absolute http(s) URL with a host; else a problem. */
    private boolean checkUrl(String url, String asWritten, Pos pos) {
      String why = urlProblem(url);
      if (why == null) {
        return true;
      }
      boolean substituted = !url.equals(asWritten);
      problems.add(
          new Problem(
              file,
              pos.line(),
              pos.column(),
              "url \""
                  + asWritten
                  + "\" "
                  + why
                  + (substituted ? " after substitution" : "")
                  + "; write it like https://example.org/path"
                  + (substituted ? " and check the variables it uses" : "")));
      bad = true;
      return false;
    }

    // ---- urlsFrom

    private UrlList readUrlsFrom(Field f, Parts defaults) {
      List<RequestSpec> out = new ArrayList<>();
      if (f == null) {
        return new UrlList(out, "");
      }
      Value v = string(f, "a file name");
      if (v == null) {
        return new UrlList(out, "");
      }
      Path folder = file.toAbsolutePath().getParent();
      Path target = urlsFile(v, folder);
      if (target == null) {
        return new UrlList(out, "");
      }
      String content;
      try {
        content = readUtf8(target);
      } catch (IOException e) {
        problem(
            v.source().pos(),
            "urlsFrom "
                + quoted(v)
                + " cannot be read ("
                + e.getClass().getSimpleName()
                + "); check that it is a UTF-8 text file you may read");
        return new UrlList(out, "");
      }
      Path shown = file.resolveSibling(Path.of(v.text()));
      int lineNo = 0;
      for (String line : content.split("\r?\n", -1)) {
        lineNo++;
        String url = line.strip();
        if (url.isEmpty() || url.startsWith("#")) {
          continue;
        }
        int col = line.indexOf(url) + 1;
        RequestSpec r = urlLine(url, shown, lineNo, col, defaults);
        if (r != null) {
          out.add(r);
        }
      }
      return new UrlList(out, content);
    }

    /** The file urlsFrom names, checked to stay inside the jobs folder; null with a problem. */
    private Path urlsFile(Value v, Path folder) {
      Path rel;
      try {
        rel = Path.of(v.text());
      } catch (InvalidPathException e) {
        problem(
            v.source().pos(),
            "urlsFrom is not a valid path (found " + quoted(v) + "); fix the name");
        return null;
      }
      boolean upward = false;
      for (Path part : rel) {
        upward |= part.toString().equals("..");
      }
      if (rel.isAbsolute() || upward || v.text().startsWith("/") || v.text().startsWith("\\")) {
        problem(
            v.source().pos(),
            "urlsFrom may not leave the jobs folder (found "
                + quoted(v)
                + "); put the file in the "
                + "jobs folder and give its path relative to this job file");
        return null;
      }
      Path target = folder.resolve(rel).normalize();
      reads.add(target);
      if (!Files.exists(target)) {
        problem(
            v.source().pos(),
            "urlsFrom file not found (found "
                + quoted(v)
                + (v.secret() ? "" : ", looked for " + target)
                + "); create it or fix the path");
        return null;
      }
      try {
        if (!target.toRealPath().startsWith(folder.toRealPath())) {
          problem(
              v.source().pos(),
              "urlsFrom may not leave the jobs folder (found "
                  + quoted(v)
                  + ", a link to "
                  + "outside it); copy the file into the jobs folder");
          return null;
        }
      } catch (IOException e) {
        problem(
            v.source().pos(),
            "urlsFrom cannot be resolved (found " + quoted(v) + "); check the path");
        return null;
      }
      if (!Files.isRegularFile(target)) {
        problem(
            v.source().pos(),
            "urlsFrom is not a file (found " + quoted(v) + "); name a text file of URLs");
        return null;
      }
      return target;
    }

    /** One line of a urlsFrom file; its problems point into that file. */
    private RequestSpec urlLine(String raw, Path shown, int lineNo, int col, Parts defaults) {
      Substitution.Result r = Substitution.apply(raw, env);
      for (Substitution.Error e : r.errors()) {
        problems.add(new Problem(shown, lineNo, col + e.index(), e.message()));
        bad = true;
      }
      if (r.value() == null) {
        return null;
      }
      String why = urlProblem(r.value());
      if (why != null) {
        problems.add(
            new Problem(
                shown,
                lineNo,
                col,
                "url \""
                    + raw
                    + "\" "
                    + why
                    + (r.substituted() ? " after substitution" : "")
                    + "; write one https://... URL per line, or # for a comment"));
        bad = true;
        return null;
      }
      return request(r.value(), raw, defaults);
    }
  }

  /** Why {@code url} is not an absolute http(s) URL with a host, or null when it is one. */
  static String urlProblem(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return "is not a valid URL (" + e.getReason() + ")";
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      return "is not an absolute http or https URL";
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      return "has no host";
    }
    return null;
  }

  static String jsonEscape(String s) {
    return new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s));
  }

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
