package io.streamtrain.ingest;

import io.streamtrain.contracts.SourceRef;
import io.streamtrain.pipeline.ingest.BodyProblem;
import io.streamtrain.pipeline.ingest.BoundedLineReader;
import io.streamtrain.pipeline.ingest.CsvRecordReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Streams an uploaded body (NDJSON or CSV with a header) through the {@link RecordRouter}, one line at a time, so
 * an upload of any size needs constant memory; at most {@value #FLUSH_EVERY} records wait for Kafka's
 * acknowledgement before reading goes on (backpressure). Record ids are {@code <source>:<line>}. Malformed lines
 * are dead-lettered with their line number and the rest of the upload goes on; a line over the length limit or a
 * CSV without a usable header stops the upload with a {@link BodyProblem} ({@link #partial} says what got in).
 */
final class UploadReader {

    private static final int FLUSH_EVERY = 5_000;

    private final RecordRouter router;
    private final int maxLineChars;
    private final List<Future<RecordMetadata>> pending = new ArrayList<>();
    private final Map<String, Long> rejectedByReason = new TreeMap<>();
    private long records;
    private long accepted;
    private long lines;
    private long rejectedLines;

    UploadReader(RecordRouter router, int maxLineChars) {
        this.router = router;
        this.maxLineChars = maxLineChars;
    }

    UploadSummary readNdjson(InputStream body, String source, boolean endOfData) throws IOException {
        try (BufferedReader reader = utf8(body)) {
            BoundedLineReader lines = new BoundedLineReader(reader, maxLineChars);
            String line;
            while ((line = lines.readLine()) != null) {
                long number = lines.lineNumber();
                if (!line.isBlank()) {
                    count(router.routeText(source + ":" + number, line, SourceRef.file(source, number)), 1);
                }
            }
        }
        return finish(source, endOfData);
    }

    UploadSummary readCsv(InputStream body, String source, boolean endOfData) throws IOException {
        try (BufferedReader reader = utf8(body)) {
            CsvRecordReader csv = new CsvRecordReader(reader, maxLineChars, router.limits().maxFields(),
                    router.spec().data().csvMaxLinesPerRecord());
            CsvRecordReader.Row row;
            while ((row = csv.next()) != null) {
                String id = source + ":" + row.line();
                SourceRef ref = SourceRef.file(source, row.line());
                count(router.routeRow(id, row.record(), row.rejection(), ref, row.original()), row.lines());
            }
        }
        return finish(source, endOfData);
    }

    private void count(RecordRouter.Routed routed, int recordLines) {
        records++;
        lines += recordLines;
        if (routed.accepted()) {
            accepted++;
        } else {
            rejectedLines += recordLines;
            rejectedByReason.merge(routed.rejection().reason().name(), 1L, Long::sum);
        }
        pending.add(routed.sent());
        if (pending.size() >= FLUSH_EVERY) {
            RecordRouter.awaitAll(pending);
            pending.clear();
        }
    }

    /** What was read and routed before the upload stopped on a problem; no end-of-data marker is sent. */
    UploadSummary partial(String source) {
        return finish(source, false);
    }

    private UploadSummary finish(String source, boolean endOfData) {
        RecordRouter.awaitAll(pending);
        pending.clear();
        if (endOfData) {
            RecordRouter.awaitAll(router.endOfData(accepted));
        }
        return new UploadSummary(router.spec().pipeline(), source, records, accepted, records - accepted,
                rejectedByReason, endOfData, new UploadSummary.Lines(lines, lines - rejectedLines, rejectedLines));
    }

    /** Invalid UTF-8 becomes U+FFFD instead of failing the whole upload; such lines then fail validation. */
    private static BufferedReader utf8(InputStream body) {
        return new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)), 64 * 1024);
    }
}
