package dev.cronloop.fetch;

import dev.cronloop.definition.Auth;
import dev.cronloop.definition.Capture;
import dev.cronloop.definition.RequestSpec;
import dev.cronloop.model.Outcome;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What is kept of a response body with its fetch ({@code capture}, src/docs/requests.md): whether
 * a fetch keeps it, and how its first bytes read. Pure: bytes, a Content-Type and counts in, text
 * out; no Vert.x, so it serves whichever client streams the body.
 *
 * <ul>
 *   <li>{@code failure} keeps the body of a fetch that had a response but did not end OK, {@code
 *       always} of every fetch that had a response; no response, no body.
 *   <li>A text body (text/*, JSON, XML, JavaScript, form data, and their {@code +json}/{@code +xml}
 *       kinds; or, without a Content-Type, bytes that are valid UTF-8) is decoded in the charset of
 *       its Content-Type (UTF-8 when it names none, or one Java does not know). A character cut in
 *       two by the size limit is left out, NUL becomes U+FFFD (PostgreSQL text cannot hold it).
 *   <li>Anything else is a note: {@code [binary image/png, 10,240 bytes]}.
 *   <li>A body longer than was kept, or that did not end, is marked at the end: {@code
 *       …[truncated: first 4,096 of 10,240 bytes]}.
 *   <li>What the request itself sends as a credential (header values, {@code auth}) is replaced by
 *       {@code ***} wherever the target echoes it, even cut short at the end: secrets never reach
 *       the database.
 * </ul>
 */
final class BodyCapture {
  private static final Set<String> TEXT_SUBTYPES =
      Set.of("json", "xml", "javascript", "x-javascript", "ecmascript", "x-www-form-urlencoded",
          "x-ndjson", "ndjson", "yaml", "x-yaml", "csv", "graphql");
  /** A secret shorter than this is not looked for: it would match ordinary words. */
  private static final int SHORTEST_SECRET = 4;
  private static final String HIDDEN = "***";
  private static final int MEDIA_TYPE_CHARS = 100;

  private BodyCapture() {}

  /** Whether a fetch that ended with {@code outcome} keeps its body under {@code c}. */
  static boolean keeps(Capture c, Outcome outcome, boolean hadResponse) {
    if (!hadResponse) {
      return false;
    }
    return switch (c.when()) {
      case NEVER -> false;
      case ALWAYS -> true;
      case FAILURE -> outcome != Outcome.OK;
    };
  }

  /**
   * The captured body.
   *
   * @param contentType the response's Content-Type header, or null
   * @param head the first bytes of the body, as many as the capture allows
   * @param received every byte of the body that arrived
   * @param complete true when the body ended, false when the fetch stopped while it streamed
   * @param secrets values the request sent as credentials, to hide
   */
  static String text(
      String contentType, byte[] head, long received, boolean complete, List<String> secrets) {
    String type = mediaType(contentType);
    boolean cut = received > head.length || !complete;
    String decoded = type == null ? utf8OrNull(head, cut) : isText(type) ? decode(head, charset(contentType), cut) : null;
    if (decoded == null) {
      return "[binary " + (type == null ? "(no Content-Type)" : type) + ", " + count(received)
          + " bytes" + (complete ? "" : " received; the body did not end") + "]";
    }
    String shown = hide(decoded.replace('\0', '\uFFFD'), secrets, cut);
    if (!cut) {
      return shown;
    }
    return shown + "\n…[truncated: first " + count(head.length) + " of " + count(received)
        + " bytes" + (complete ? "" : " received; the body did not end") + "]";
  }

  /** The values {@code r} sends as credentials: its header values and its {@code auth}. */
  static List<String> secrets(RequestSpec r) {
    List<String> out = new ArrayList<>();
    r.headers().values().forEach(v -> out.add(v.reveal()));
    if (r.auth() instanceof Auth.Basic b) {
      out.add(b.password().reveal());
      out.add(r.auth().header().substring("Basic ".length()));
    } else if (r.auth() instanceof Auth.Bearer b) {
      out.add(b.token().reveal());
    }
    out.removeIf(s -> s.length() < SHORTEST_SECRET);
    return List.copyOf(out);
  }

  /** {@code s} with every secret replaced, and a secret's start that ends a cut text too. */
  static String hide(String s, List<String> secrets, boolean cut) {
    String out = s;
    for (String secret : secrets) {
      if (secret.length() >= SHORTEST_SECRET) {
        out = out.replace(secret, HIDDEN);
      }
    }
    if (!cut) {
      return out;
    }
    for (String secret : secrets) {
      for (int k = Math.min(secret.length() - 1, out.length()); k >= SHORTEST_SECRET; k--) {
        if (out.endsWith(secret.substring(0, k))) {
          out = out.substring(0, out.length() - k) + HIDDEN;
          break;
        }
      }
    }
    return out;
  }

  /** The type/subtype of a Content-Type, lower case, or null when absent or unreadable. */
  static String mediaType(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semi = contentType.indexOf(';');
    String t = (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    if (t.isEmpty() || t.length() > MEDIA_TYPE_CHARS || !t.matches("[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+")) {
      return null;
    }
    return t;
  }

  static boolean isText(String mediaType) {
    int slash = mediaType.indexOf('/');
    String type = mediaType.substring(0, slash);
    String sub = mediaType.substring(slash + 1);
    return type.equals("text")
        || TEXT_SUBTYPES.contains(sub)
        || sub.endsWith("+json")
        || sub.endsWith("+xml")
        || sub.endsWith("+yaml");
  }

  /** The charset a Content-Type names, or UTF-8. */
  static Charset charset(String contentType) {
    for (String param : contentType.split(";")) {
      String p = param.strip();
      if (p.regionMatches(true, 0, "charset=", 0, 8)) {
        String name = p.substring(8).strip().replace("\"", "");
        try {
          return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
          return StandardCharsets.UTF_8;
        }
      }
    }
    return StandardCharsets.UTF_8;
  }

  /**
   * {@code head} decoded, bad bytes replaced; when {@code cut}, a character whose last bytes were
   * not kept is left out instead of showing as a replacement character.
   */
  private static String decode(byte[] head, Charset charset, boolean cut) {
    CharsetDecoder d =
        charset.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    CharBuffer out = CharBuffer.allocate((int) (head.length * (double) d.maxCharsPerByte()) + 4);
    d.decode(ByteBuffer.wrap(head), out, !cut);
    if (!cut) {
      d.flush(out);
    }
    return out.flip().toString();
  }

  /** Bytes without a Content-Type: text when they are UTF-8 without NUL, else null. */
  private static String utf8OrNull(byte[] head, boolean cut) {
    CharsetDecoder strict =
        StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    byte[] whole = head;
    if (cut) {
      whole = Arrays.copyOf(head, head.length - partialTail(head)); // a character cut in two
    }
    try {
      String s = strict.decode(ByteBuffer.wrap(whole)).toString();
      return s.indexOf('\0') < 0 ? s : null;
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** How many bytes at the end of {@code b} start a UTF-8 sequence that is not complete. */
  private static int partialTail(byte[] b) {
    for (int back = 1; back <= Math.min(3, b.length); back++) {
      int x = b[b.length - back] & 0xFF;
      if ((x & 0xC0) != 0x80) { // not a continuation byte: the sequence starts here
        int len = x >= 0xF0 ? 4 : x >= 0xE0 ? 3 : x >= 0xC0 ? 2 : 1;
        return len > back ? back : 0;
      }
    }
    return 0;
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /**
   * The first bytes of a body as it streams, up to a limit; it grows with what arrives, so a short
   * body costs only its size. Confined to one fetch.
   */
  static final class Head {
    private final int limit;
    private byte[] bytes = new byte[0];
    private int size;

    Head(long limit) {
      this.limit = (int) Math.min(limit, Capture.MAX_BYTES);
    }

    /** How many more bytes are kept. */
    int room() {
      return limit - size;
    }

    /** Keeps what fits of {@code chunk}. */
    void add(byte[] chunk) {
      int n = Math.min(chunk.length, room());
      if (size + n > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.min(limit, Math.max(size + n, 2 * bytes.length)));
      }
      System.arraycopy(chunk, 0, bytes, size, n);
      size += n;
    }

    byte[] bytes() {
      return Arrays.copyOf(bytes, size);
    }
  }
}
