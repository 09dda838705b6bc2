package io.streamtrain.cli.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamtrain.contracts.EventCodec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Uploads a data file to ingest-service over HTTP instead of publishing it to the ingest topic, so the raw records
 * never enter Kafka (what a pipeline with private fields wants). In: the service's address, the file (CSV with a
 * header, or NDJSON), a bearer token when HTTP security is on. Out: the number of records the service read; the
 * upload ends the dataset with an end-of-data marker.
 */
public final class HttpUploader {

    private HttpUploader() {
    }

    public static long upload(URI ingest, String pipeline, Path file, String token)
            throws IOException, InterruptedException {
        String source = file.getFileName().toString();
        URI target = ingest.resolve("/pipelines/" + URLEncoder.encode(pipeline, StandardCharsets.UTF_8)
                + "/records?endOfData=true&source=" + URLEncoder.encode(source, StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .header("Content-Type", DatasetPublisher.isCsv(file) ? "text/csv" : "application/x-ndjson")
                .timeout(Duration.ofHours(1))
                .POST(HttpRequest.BodyPublishers.ofFile(file));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IOException("uploading " + file + " to " + target + " failed with HTTP " + response.statusCode()
                    + ": " + response.body());
        }
        JsonNode summary = EventCodec.mapper().readTree(response.body());
        return summary.path("records").asLong();
    }
}
