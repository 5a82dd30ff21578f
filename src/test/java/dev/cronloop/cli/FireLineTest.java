package dev.cronloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cronloop.model.RunResult;
import dev.cronloop.model.RunStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The line {@code cronloop fire} prints (DESIGN.md, "Command line"), written without data binding. */
class FireLineTest {
  @Test
  void the_line_is_what_an_object_mapper_writes_for_the_same_keys_in_order() throws Exception {
    Instant start = Instant.parse("2026-12-06T10:00:00Z");
    RunResult r = new RunResult(42_001L, "orders \"eu\" ü\n", RunStatus.PARTIAL, 3, 2, 1, start,
        start.plusMillis(1_234));
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put("job", r.jobId());
    keys.put("run", r.runId());
    keys.put("requests", r.total());
    keys.put("ok", r.ok());
    keys.put("failed", r.failed());
    keys.put("durationMs", r.duration().toMillis());

    String line = FireCommand.line(r);

    assertThat(line).isEqualTo(new ObjectMapper().writeValueAsString(keys))
        .isEqualTo("{\"job\":\"orders \\\"eu\\\" ü\\n\",\"run\":42001,\"requests\":3,\"ok\":2,\"failed\":1,\"durationMs\":1234}");
  }
}
