package io.streamtrain.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamtrain.contracts.EndOfData;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.RejectedRecord;
import io.streamtrain.contracts.SchemaVersion;
import io.streamtrain.contracts.SourceRef;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.ingest.IngestLimits;
import io.streamtrain.pipeline.ingest.JsonRecordParser;
import io.streamtrain.pipeline.ingest.PrivateFields;
import io.streamtrain.pipeline.ingest.RecordValidator;
import io.streamtrain.pipeline.ingest.Rejection;
import io.streamtrain.pipeline.ingest.ValidationResult;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.PipelineRun;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import io.streamtrain.contracts.ReasonCode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Validates raw records and routes them. In: a record's bytes or parsed tree, its id and source. Out: the
 * canonical record on {@code streamtrain.records.v1}, or a dead letter with reason, field, detail, source and the
 * original text (capped) on {@code streamtrain.rejected.v1}. The spec's private fields are dropped or hashed before
 * anything is sent ({@link PrivateFields}): a dead letter then holds the cleaned record, and input that could not be
 * parsed keeps no text at all. Callers wait on the returned futures before
 * acknowledging their input, so no record is lost between the two topics.
 */
@ApplicationScoped
public class RecordRouter {

    static final String STAGE = "ingest";

    private final PipelineSpec spec;
    private final PipelineRun run;
    private final RecordValidator validator;
    private final JsonRecordParser parser;
    private final IngestLimits limits;
    private final PrivateFields privateFields;
    private final int maxOriginalChars;
    private final KafkaProducer<String, byte[]> producer;

    @Inject
    public RecordRouter(PipelineSpec spec, PipelineRun run, KafkaSettings kafka,
                        @ConfigProperty(name = "streamtrain.ingest.max-record-bytes") int maxRecordBytes,
                        @ConfigProperty(name = "streamtrain.ingest.max-fields") int maxFields,
                        @ConfigProperty(name = "streamtrain.ingest.max-string-chars") int maxStringChars,
                        @ConfigProperty(name = "streamtrain.ingest.max-nesting-depth") int maxNestingDepth,
                        @ConfigProperty(name = "streamtrain.ingest.max-number-chars") int maxNumberChars,
                        @ConfigProperty(name = "streamtrain.ingest.max-original-chars") int maxOriginalChars,
                        @ConfigProperty(name = "streamtrain.ingest.private-key") Optional<String> privateKey) {
        this.spec = spec;
        this.run = run;
        try {
            this.privateFields = new PrivateFields(spec.data().privateFields(),
                    privateKey.map(k -> k.getBytes(StandardCharsets.UTF_8)).orElse(null));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage() + " (STREAMTRAIN_INGEST_PRIVATE_KEY)", e);
        }
        this.validator = new RecordValidator(spec);
        this.limits = new IngestLimits(maxRecordBytes, maxFields, maxStringChars, maxNestingDepth, maxNumberChars);
        this.parser = new JsonRecordParser(limits);
        this.maxOriginalChars = maxOriginalChars;
        this.producer = new KafkaProducer<>(kafka.producer("ingest-" + spec.pipeline()));
    }

    public PipelineSpec spec() {
        return spec;
    }

    /** The caps on records this router applies. */
    public IngestLimits limits() {
        return limits;
    }

    /** Parses, validates and routes the bytes of one message. */
    public Routed routeBytes(String id, byte[] bytes, SourceRef source) {
        JsonRecordParser.Parsed parsed = parser.parse(bytes);
        if (parsed.rejection() != null && privateFields.active()) {
            return unparsed(id, parsed.rejection(), source);
        }
        if (parsed.rejection() == null) {
            return routeParsed(id, parsed, source);
        }
        String original = parsed.text() != null ? parsed.text()
                : bytes == null ? "" : new String(bytes, 0, Math.min(bytes.length, maxOriginalChars + 1), StandardCharsets.UTF_8);
        if (parsed.rejection().reason() == ReasonCode.BAD_ENCODING) {
            byte[] kept = bytes.length > maxOriginalChars ? java.util.Arrays.copyOf(bytes, maxOriginalChars) : bytes;
            return send(id, parsed.rejection(), source, original, Base64.getEncoder().encodeToString(kept));
        }
        return reject(id, parsed.rejection(), source, original);
    }

    /** Parses, validates and routes one NDJSON line. */
    public Routed routeText(String id, String text, SourceRef source) {
        JsonRecordParser.Parsed parsed = parser.parse(text);
        if (parsed.rejection() != null) {
            return privateFields.active() ? unparsed(id, parsed.rejection(), source)
                    : reject(id, parsed.rejection(), source, text);
        }
        return routeParsed(id, parsed, source);
    }

    /** A parsed message: its private fields applied, then validated and routed. */
    private Routed routeParsed(String id, JsonRecordParser.Parsed parsed, SourceRef source) {
        JsonNode clean = privateFields.apply(parsed.node());
        return route(id, clean, source, privateFields.active() ? clean.toString() : parsed.text());
    }

    /**
     * Validates and routes a CSV row: its private fields applied first; a row that did not match the header cannot
     * be cleaned and keeps no text when fields are private.
     */
    public Routed routeRow(String id, JsonNode row, Rejection rowProblem, SourceRef source, String original) {
        if (rowProblem != null) {
            return privateFields.active() ? unparsed(id, rowProblem, source) : reject(id, rowProblem, source, original);
        }
        JsonNode clean = privateFields.apply(row);
        Rejection overLimit = limits.check(clean);
        String kept = privateFields.active() ? clean.toString() : original;
        return overLimit != null ? reject(id, overLimit, source, kept) : route(id, clean, source, kept);
    }

    /** Validates and routes a parsed record whose private fields are already applied. */
    private Routed route(String id, JsonNode node, SourceRef source, String original) {
        String recordId = idOf(id, node);
        ValidationResult result = validator.validate(recordId, node, source);
        if (result instanceof ValidationResult.Accepted accepted) {
            Future<RecordMetadata> sent = producer.send(run.data(Topics.RECORDS, recordId,
                    EventCodec.toBytes(accepted.record())));
            return new Routed(null, sent);
        }
        return reject(recordId, ((ValidationResult.Rejected) result).rejection(), source, original);
    }

    /**
     * A dead letter for input that could not be parsed while fields are private: it cannot be cleaned, so neither
     * its text nor a parser message quoting it is kept.
     */
    private Routed unparsed(String id, Rejection rejection, SourceRef source) {
        String detail = rejection.reason() == ReasonCode.MALFORMED_JSON || rejection.reason() == ReasonCode.MALFORMED_CSV
                ? rejection.reason().description() : rejection.detail();
        return send(id, new Rejection(rejection.reason(), rejection.field(), detail + "; the original is not kept"
                + " (the pipeline has private fields and this input could not be parsed to remove them)"), source,
                null, null);
    }

    /** Sends a dead letter for a record that could not even be parsed or validated. */
    public Routed reject(String id, Rejection rejection, SourceRef source, String original) {
        return send(id, rejection, source, original, null);
    }

    private Routed send(String id, Rejection rejection, SourceRef source, String original, String base64) {
        boolean truncated = original != null && original.length() > maxOriginalChars;
        String kept = truncated ? original.substring(0, maxOriginalChars) : original;
        RejectedRecord dead = new RejectedRecord(SchemaVersion.CURRENT, spec.pipeline(), id, STAGE, rejection.reason(),
                rejection.field(), rejection.detail(), source, kept, truncated, System.currentTimeMillis(), base64);
        Future<RecordMetadata> sent = producer.send(run.data(Topics.REJECTED, id,
                EventCodec.toBytes(dead)));
        return new Routed(rejection, sent);
    }

    /** Forwards an end-of-data marker to every partition of the records topic. */
    public List<Future<RecordMetadata>> endOfData(long records) {
        return producer.partitionsFor(Topics.RECORDS).stream()
                .map(p -> producer.send(run.endOfData(Topics.RECORDS, p.partition(),
                        new EndOfData(SchemaVersion.CURRENT, spec.pipeline(), STAGE, records, records))))
                .toList();
    }

    /** Blocks until every given send is acknowledged; fails when one failed. */
    public static void awaitAll(List<Future<RecordMetadata>> sends) {
        try {
            for (Future<RecordMetadata> send : sends) {
                send.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing records", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot write records to Kafka: " + e.getCause(), e.getCause());
        }
    }

    private String idOf(String fallback, JsonNode node) {
        String field = spec.data().idField();
        if (field != null && node != null && node.isObject() && node.hasNonNull(field)) {
            return node.get(field).asText();
        }
        return fallback;
    }

    @PreDestroy
    void close() {
        producer.close();
    }

    /** One routed record: the rejection (null when accepted) and the pending write. */
    public record Routed(Rejection rejection, Future<RecordMetadata> sent) {
        public boolean accepted() {
            return rejection == null;
        }
    }
}
