package io.streamtrain.cli;

import io.streamtrain.cli.run.BadRecordCheck;
import io.streamtrain.cli.run.DatasetPublisher;
import io.streamtrain.cli.run.PipelineMonitor;
import io.streamtrain.cli.run.RunReport;
import io.streamtrain.cli.terminal.Terminal;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.spec.BadRecordBudget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code streamtrain publish FILE}: publishes a data file to the ingest topic of a running deployment, as a user's
 * producer would, with a progress bar and the rate. In: a CSV file with a header, or NDJSON. Out: one message per
 * record keyed {@code <file name>:<line>}, an end-of-data marker unless {@code --continuous}, and a summary (JSON
 * with {@code --json}). Then it waits (at most {@code --check-timeout}) for ingest to accept or dead-letter every
 * record, prints how the file's lines split, and exits 1 when more were dead-lettered than
 * {@code --max-bad-records} allows (counts by reason and the first examples printed).
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Publish a CSV or NDJSON file to the ingest topic of a running pipeline.",
        footer = {"", "Examples:",
                "  ./streamtrain publish datasets/shuttle/shuttle.csv --kafka localhost:9092 --pipeline shuttle",
                "  ./streamtrain publish more.ndjson --pipeline shuttle --continuous     # no end-of-data marker",
                "  ./streamtrain publish data.csv --pipeline p --json | jq .recordsPerSecond",
                "", "Exit codes: 0 published, 1 Kafka refused records or more bad records than --max-bad-records,"
                + " 2 bad usage or input."})
public final class PublishCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "CSV with a header line, or NDJSON (.ndjson, .jsonl, .json).")
    Path file;

    @Mixin
    KafkaOption kafka;

    @Option(names = "--pipeline", required = true, description = "The pipeline the records belong to.")
    String pipeline;

    @Option(names = "--continuous", description = "Send no end-of-data marker: the dataset goes on.")
    boolean continuous;

    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    @Option(names = "--max-bad-records", defaultValue = "10%", description = "Exit 1 when ingest dead-letters more"
            + " of the file's records than this: a count such as 500 or a share such as 2%% (default ${DEFAULT-VALUE}).")
    String maxBadRecords;

    @Option(names = "--check-timeout", defaultValue = "PT60S", description = "How long to wait for ingest to account"
            + " for every record before checking (ISO-8601, default ${DEFAULT-VALUE}); if it has not by then, the"
            + " check is skipped with a warning.")
    Duration checkTimeout;

    @Override
    public Integer call() {
        try {
            if (!Files.isRegularFile(file)) {
                throw new CliException(ExitCodes.USAGE, "no data file " + file);
            }
            BadRecordBudget budget;
            try {
                budget = BadRecordBudget.parse(maxBadRecords);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, "--max-bad-records: " + e.getMessage());
            }
            long total = records(file);
            Terminal terminal = Terminal.system(Duration.ofSeconds(5).toNanos());
            long started = System.nanoTime();
            DatasetPublisher publisher = new DatasetPublisher(kafka.settings(), pipeline).onProgress(sent -> {
                if (!json) {
                    terminal.status(progress(sent, total, started));
                }
            });
            try (PipelineMonitor monitor = new PipelineMonitor(kafka.settings(), pipeline)) {
                monitor.start();
                monitor.countLines(publisher.lines());
                long published = continuous ? publisher.publishWithoutEnd(file) : publisher.publish(file);
                double seconds = (System.nanoTime() - started) / 1e9;
                terminal.clear();
                String overBudget = BadRecordCheck.afterIngest(budget, published, monitor, checkTimeout, e -> { });
                summarize(published, seconds, monitor);
                if (monitor.ingested() < published) {
                    System.err.printf("streamtrain publish: ingest accounted for %,d of %,d records within %s; the"
                            + " bad-record budget was not checked%n", monitor.ingested(), published, checkTimeout);
                } else if (overBudget != null) {
                    throw new CliException(ExitCodes.FAILED, overBudget);
                }
            }
            return ExitCodes.OK;
        } catch (CliException e) {
            System.err.println("streamtrain publish: " + e.getMessage());
            return e.exitCode();
        } catch (IOException e) {
            System.err.println("streamtrain publish: " + e.getMessage());
            return ExitCodes.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILED;
        }
    }

    private void summarize(long published, double seconds, PipelineMonitor monitor) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("pipeline", pipeline);
        summary.put("topic", Topics.INGEST);
        summary.put("file", file.toString());
        summary.put("published", published);
        summary.put("seconds", Math.round(seconds * 1000) / 1000.0);
        summary.put("recordsPerSecond", Math.round(published / Math.max(seconds, 1e-3)));
        summary.put("endOfData", !continuous);
        summary.put("accepted", monitor.ingestAccepted());
        summary.put("rejected", monitor.rejected());
        summary.put("rejectedByReason", monitor.rejectedByReason());
        summary.put("lines", monitor.lines());
        if (json) {
            System.out.println(EventCodec.toJson(summary));
            return;
        }
        System.out.println(String.format(Locale.ROOT,
                "published %,d records of %s to %s in %.1f s (%,.0f records/s)%s", published, pipeline,
                Topics.INGEST, seconds, published / Math.max(seconds, 1e-3),
                continuous ? "" : ", then the end-of-data marker"));
        RunReport.Lines lines = monitor.lines();
        System.out.println(String.format(Locale.ROOT, "ingest: %,d accepted, %,d dead-lettered %s; %,d data"
                + " lines read = %,d in accepted records + %,d in dead letters", monitor.ingestAccepted(),
                monitor.rejected(), monitor.rejectedByReason(), lines.read(),
                lines.inAccepted(), lines.inDeadLetters()));
    }

    static String progress(long sent, long total, long startedNanos) {
        double seconds = Math.max((System.nanoTime() - startedNanos) / 1e9, 1e-3);
        double rate = sent / seconds;
        String eta = total > sent && rate > 0 ? String.format(Locale.ROOT, " ETA %.0fs", (total - sent) / rate) : "";
        return String.format(Locale.ROOT, "%s %3.0f%% %,d/%,d records %,.0f records/s%s",
                Terminal.bar(total == 0 ? 1 : (double) sent / total, 30), total == 0 ? 100.0 : 100.0 * sent / total,
                sent, total, rate, eta);
    }

    /** Records in the file: its lines, less the header of a CSV (an estimate for the bar). */
    private static long records(Path file) throws IOException {
        long lines = 0;
        byte[] buffer = new byte[1 << 16];
        boolean pending = false;
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                        pending = false;
                    } else {
                        pending = true;
                    }
                }
            }
        }
        lines += pending ? 1 : 0;
        return DatasetPublisher.isCsv(file) ? Math.max(0, lines - 1) : lines;
    }
}
