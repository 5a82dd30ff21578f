package dev.cronloop.definition;

import static dev.cronloop.definition.JobFileParser.DEFAULT_CONCURRENCY;
import static dev.cronloop.definition.JobFileParser.DEFAULT_MISFIRE;
import static dev.cronloop.definition.JobFileParser.DEFAULT_OVERLAP;
import static dev.cronloop.definition.JobFileParser.DEFAULT_ZONE;
import static dev.cronloop.definition.JobFileParser.hash;

import dev.cronloop.definition.JobFileParser.Located;
import dev.cronloop.definition.RequestListReader.UrlList;
import dev.cronloop.definition.SourceTree.Field;
import dev.cronloop.definition.SourceTree.ListNode;
import dev.cronloop.definition.SourceTree.MapNode;
import dev.cronloop.definition.SourceTree.Node;
import dev.cronloop.definition.SourceTree.Pos;
import dev.cronloop.definition.SourceTree.Scalar;
import dev.cronloop.schedule.Schedule;
import dev.cronloop.schedule.ScheduleException;
import dev.cronloop.schedule.Schedules;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one document of a job file into one job, adding problems as it goes: the job's own keys
 * (name, schedule, zone, retries and the like) here, its requests and their settings through the
 * readers it makes for this document. Used once.
 *
 * <p>Runs on: the thread that parses the file (it reads {@code urlsFrom} and CA files: never the
 * event loop).
 */
final class JobReader {
  /**
   * The parser's logger (the warning belongs to parsing a job file, wherever the code sits), made
   * on first use: starting the logging loads about 230 classes, a tenth of {@code cronloop
   * validate}, which logs nothing unless a job skips TLS verification.
   */
  private static final class Log {
    static final Logger log = LoggerFactory.getLogger(JobFileParser.class);
  }

  /** The longest job id: Quartz keys and {@code runs.job_id} (255) both hold it with room to spare. */
  static final int MAX_ID_CHARS = 128;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0," + (MAX_ID_CHARS - 1) + "}");

  /**
   * The keys a job may hold, in the order messages list them: its own, then every request option
   * (defaults for each of its requests) not named already.
   */
  static final List<String> JOB_KEYS =
      Stream.concat(
              Stream.of(
                  "name", "schedule", "zone", "enabled", "concurrency", "overlap", "misfire",
                  "spread", "jitter", "retention", "timeout", "retries", "headers", "expect",
                  "requests", "urlsFrom", "notify", "failWhen"),
              Option.keys(RequestOptionsReader.OPTIONS).stream())
          .distinct()
          .toList();

  static final List<String> RETRIES_KEYS = List.of("max", "backoff", "on");

  private final Path file;
  private final List<Problem> problems;
  private final int docNumber;
  private final int docCount;
  private final NodeReader nodes;
  private final TlsAuthReader tlsAuth;
  private final RequestOptionsReader options;
  private final Set<Path> reads = new LinkedHashSet<>();
  private String id;

  /**
   * @param text the whole file
   * @param env the environment {@code ${VAR}} reads from
   * @param problems where problems are added
   * @param docNumber which document of the file this is, from 1
   * @param docCount how many documents the file holds
   */
  JobReader(
      Path file,
      String text,
      Function<String, String> env,
      List<Problem> problems,
      int docNumber,
      int docCount) {
    this.file = file;
    this.problems = problems;
    this.docNumber = docNumber;
    this.docCount = docCount;
    this.nodes = new NodeReader(file, text, env, problems);
    this.tlsAuth = new TlsAuthReader(nodes);
    this.options = new RequestOptionsReader(nodes, new ExpectReader(nodes), tlsAuth);
  }

  /** The files urlsFrom named (found or not), once {@link #read} has run. */
  Set<Path> reads() {
    return reads;
  }

  Located read(Node doc, String source) {
    if (!(doc instanceof MapNode job)) {
      nodes.problem(
          doc.pos(),
          "a job must be a mapping of keys like schedule: and requests: (found "
              + doc.kind()
              + "); write one job per document");
      return null;
    }
    Pos idPos = readId(job);
    String where = "in job \"" + id + "\"";
    nodes.checkKeys(job, JOB_KEYS, where);

    ZoneId zone = readZone(job.fields().get("zone"));
    Schedule schedule = readSchedule(job);
    boolean enabled = nodes.readBoolean(job.fields().get("enabled"), true);
    int concurrency = nodes.readInt(job.fields().get("concurrency"), DEFAULT_CONCURRENCY, 1);
    Overlap overlap = nodes.readEnum(job.fields().get("overlap"), Overlap.class, DEFAULT_OVERLAP);
    Misfire misfire = nodes.readEnum(job.fields().get("misfire"), Misfire.class, DEFAULT_MISFIRE);
    Duration spread = nodes.readDuration(job.fields().get("spread"), Duration.ZERO, false);
    Duration jitter = nodes.readDuration(job.fields().get("jitter"), Duration.ZERO, false);
    Retries retries = readRetries(job.fields().get("retries"));
    Duration retention = nodes.readDuration(job.fields().get("retention"), null, true);
    NotifyReader notifyReader = new NotifyReader(nodes);
    Notify notify = notifyReader.readNotify(job.fields().get("notify"), where);
    FailWhen failWhen = notifyReader.readFailWhen(job.fields().get("failWhen"), where);
    Written defaults = options.read(job, where);
    int before = problems.size();
    RequestListReader requestList = new RequestListReader(nodes, options, id);
    List<RequestSpec> requests = requestList.readRequests(job.fields().get("requests"), defaults);
    UrlList urls = requestList.readUrlsFrom(job.fields().get("urlsFrom"), defaults);
    reads.addAll(requestList.reads());
    requests.addAll(urls.requests());
    if (requests.isEmpty() && problems.size() == before) { // not when every request was bad
      nodes.problem(
          job.pos(),
          "job \""
              + id
              + "\" has no request; add requests: with a URL, or urlsFrom: a file of URLs");
    }
    if (nodes.bad()) {
      return null;
    }
    String hash =
        hash(file.getFileName().toString(), source, urls.content() + tlsAuth.caContents());
    if (requests.stream().anyMatch(r -> r.tls().insecure())) {
      Log.log.warn(
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
            retention,
            notify,
            failWhen);
    return new Located(def, idPos.line(), idPos.column());
  }

  private Pos readId(MapNode job) {
    Field name = job.fields().get("name");
    String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
    id = stem;
    if (name == null) {
      if (docCount > 1) {
        id = stem + "#" + docNumber;
        nodes.problem(
            job.pos(),
            "job "
                + docNumber
                + " of "
                + docCount
                + " in this file has no name; give every job "
                + "of a multi-job file a name: key");
      } else if (stem.length() > MAX_ID_CHARS) {
        nodes.problem(
            new Pos(1, 1, 0),
            "file name \"" + stem + "\" is " + stem.length() + " characters, longer than the " + MAX_ID_CHARS
                + " a job id may have; add a shorter name: or rename the file");
      } else if (!ID.matcher(stem).matches()) {
        nodes.problem(
            new Pos(1, 1, 0),
            "file name \""
                + stem
                + "\" is not a valid job id; add name: with letters, digits, "
                + "'.', '_' or '-', or rename the file");
      }
      return job.pos();
    }
    Scalar s = nodes.literal(name, "text");
    if (s == null) {
      return name.value().pos();
    }
    id = s.text();
    if (id.length() > MAX_ID_CHARS) {
      nodes.problem(
          s.pos(),
          "name is " + id.length() + " characters, longer than the " + MAX_ID_CHARS
              + " a job id may have; shorten it");
    } else if (!ID.matcher(id).matches()) {
      nodes.problem(
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
    Scalar s = nodes.literal(f, "an IANA time zone");
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
    nodes.problem(s.pos(), "zone is not an IANA time zone (found \"" + s.text() + "\"); " + fix);
    return DEFAULT_ZONE;
  }

  private Schedule readSchedule(MapNode job) {
    Field f = job.fields().get("schedule");
    if (f == null) {
      nodes.problem(
          job.pos(), "job \"" + id + "\" has no schedule; add e.g. schedule: \"0 */5 * * * ?\"");
      return null;
    }
    Scalar s = nodes.literal(f, "a schedule expression");
    if (s == null) {
      return null;
    }
    ZoneId zone = readZoneQuietly(job.fields().get("zone"));
    try {
      return Schedules.parse(s.text(), zone);
    } catch (ScheduleException e) {
      nodes.problem(
          new Problem(
              file,
              s.pos().line(),
              nodes.column(s, Math.max(0, e.offset())),
              "schedule \"" + s.text() + "\": " + e.getMessage()));
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

  private Retries readRetries(Field f) {
    if (f == null) {
      return Retries.NONE;
    }
    MapNode m =
        nodes.mapping(
            f,
            "retries must be a mapping",
            "write e.g. retries: { max: 2, backoff: 200ms }");
    if (m == null) {
      return Retries.NONE;
    }
    nodes.checkKeys(m, RETRIES_KEYS, "in retries of job \"" + id + "\"");
    int max = nodes.readInt(m.fields().get("max"), Retries.NONE.max(), 0);
    Duration backoff = nodes.readDuration(m.fields().get("backoff"), Retries.NONE.backoff(), false);
    return new Retries(max, backoff, readRetryOn(m.fields().get("on")));
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
          nodes.problem(
              n.pos(), "retries.on takes words like connect or 5xx (found " + n.kind() + ")");
        }
      }
    } else {
      Scalar s = nodes.scalar(f, "a list like [connect, timeout, 5xx]");
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
        nodes.problem(s.pos(), "retries.on does not know \"" + word + "\"; " + fix);
      }
    }
    return on;
  }
}
