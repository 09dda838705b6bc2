package io.streamtrain.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.contracts.ReasonCode;
import io.streamtrain.contracts.SourceRef;
import io.streamtrain.pipeline.ingest.IngestLimits;
import io.streamtrain.pipeline.ingest.JsonRecordParser;
import io.streamtrain.pipeline.ingest.RecordValidator;
import io.streamtrain.pipeline.ingest.ValidationResult;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecLoader;
import io.streamtrain.testing.HostileInputs;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * 20,000 fuzz inputs ({@link HostileInputs}) through the ingest path's parsing, limits and validation: none throws,
 * each ends accepted or rejected with a reason, and none costs more memory than a bounded multiple of its size.
 */
class IngestPathFuzzTest {

    static final int INPUTS = 20_000;

    /** The outcome of one input as ingest decides it: null when accepted, else the reason. */
    static ReasonCode outcome(JsonRecordParser parser, RecordValidator validator, byte[] bytes) {
        JsonRecordParser.Parsed parsed = parser.parse(bytes);
        if (parsed.rejection() != null) {
            return parsed.rejection().reason();
        }
        ValidationResult result = validator.validate("fuzz", parsed.node(), SourceRef.kafka("t", 0, 0));
        return result instanceof ValidationResult.Rejected rejected ? rejected.rejection().reason() : null;
    }

    @Test
    void everyHostileInputEndsAcceptedOrRejectedWithAReasonWithinBoundedMemory() {
        PipelineSpec spec = SpecLoader.load(Path.of("src/test/resources/pipeline.yaml"));
        JsonRecordParser parser = new JsonRecordParser(IngestLimits.DEFAULTS);
        RecordValidator validator = new RecordValidator(spec);
        HostileInputs inputs = new HostileInputs(42, IngestLimits.DEFAULTS.maxRecordBytes() + 10);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        Map<HostileInputs.Kind, Map<String, Integer>> outcomes = new EnumMap<>(HostileInputs.Kind.class);
        long worstAllocation = 0;
        HostileInputs.Kind worstKind = null;
        for (int i = 0; i < INPUTS; i++) {
            HostileInputs.Input input = inputs.next(i);
            long before = threads.getThreadAllocatedBytes(thread);
            ReasonCode reason = outcome(parser, validator, input.bytes());
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            int size = input.bytes() == null ? 0 : input.bytes().length;
            long excess = allocated - 64L * Math.min(size, IngestLimits.DEFAULTS.maxRecordBytes());
            if (excess > worstAllocation) {
                worstAllocation = excess;
                worstKind = input.kind();
            }
            outcomes.computeIfAbsent(input.kind(), k -> new TreeMap<>())
                    .merge(reason == null ? "ACCEPTED" : reason.name(), 1, Integer::sum);
        }
        System.out.println("ingest fuzz outcomes: " + outcomes + "; most memory beyond 64 bytes per input byte: "
                + worstAllocation + " bytes (" + worstKind + ")");
        assertThat(outcomes.get(HostileInputs.Kind.VALID)).containsOnlyKeys("ACCEPTED");
        assertThat(outcomes.get(HostileInputs.Kind.OVERSIZED)).containsOnlyKeys("TOO_LARGE");
        assertThat(outcomes.get(HostileInputs.Kind.DEEP_NESTING)).containsOnlyKeys("LIMIT_EXCEEDED");
        assertThat(outcomes.get(HostileInputs.Kind.LONG_STRING)).containsOnlyKeys("LIMIT_EXCEEDED");
        assertThat(outcomes.get(HostileInputs.Kind.LONG_NAME)).containsOnlyKeys("LIMIT_EXCEEDED");
        assertThat(outcomes.get(HostileInputs.Kind.BAD_UTF8)).containsOnlyKeys("BAD_ENCODING");
        assertThat(outcomes.get(HostileInputs.Kind.MANY_FIELDS).keySet()).containsAnyOf("LIMIT_EXCEEDED");
        assertThat(worstAllocation).as("allocation beyond 64 bytes per input byte").isLessThan(4L << 20);
    }
}
