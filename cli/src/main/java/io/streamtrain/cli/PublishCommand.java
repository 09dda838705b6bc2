package io.streamtrain.cli;

import io.streamtrain.cli.run.DatasetPublisher;
import io.streamtrain.cli.terminal.Terminal;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.Topics;
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
 * with {@code --json}).
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Publish a CSV or NDJSON file to the ingest topic of a running pipeline.",
        footer = {"", "Examples:",
                "  ./streamtrain publish datasets/shuttle/shuttle.csv --kafka localhost:9092 --pipeline shuttle",
                "  ./streamtrain publish more.ndjson --pipeline shuttle --continuous     # no end-of-data marker",
                "  ./streamtrain publish data.csv --pipeline p --json | jq .recordsPerSecond",
                "", "Exit codes: 0 published, 1 Kafka refused records, 2 bad usage or input."})
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

    @Override
    public Integer call() {
        try {
            if (!Files.isRegularFile(file)) {
                throw new CliException(ExitCodes.USAGE, "no data file " + file);
            }
            long total = records(file);
            Terminal terminal = Terminal.system(Duration.ofSeconds(5).toNanos());
            long started = System.nanoTime();
            DatasetPublisher publisher = new DatasetPublisher(kafka.settings(), pipeline).onProgress(sent -> {
                if (!json) {
                    terminal.status(progress(sent, total, started));
                }
            });
            long published = continuous ? publisher.publishWithoutEnd(file) : publisher.publish(file);
            double seconds = (System.nanoTime() - started) / 1e9;
            terminal.clear();
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("pipeline", pipeline);
            summary.put("topic", Topics.INGEST);
            summary.put("file", file.toString());
            summary.put("published", published);
            summary.put("seconds", Math.round(seconds * 1000) / 1000.0);
            summary.put("recordsPerSecond", Math.round(published / Math.max(seconds, 1e-3)));
            summary.put("endOfData", !continuous);
            System.out.println(json ? EventCodec.toJson(summary) : String.format(Locale.ROOT,
                    "published %,d records of %s to %s in %.1f s (%,.0f records/s)%s", published, pipeline,
                    Topics.INGEST, seconds, published / Math.max(seconds, 1e-3),
                    continuous ? "" : ", then the end-of-data marker"));
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
