package io.streamtrain.ingest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * {@code POST /pipelines/{name}/records}: uploads records over HTTP. In: an NDJSON body (one JSON object per line)
 * or a CSV body with a header ({@code Content-Type: text/csv}), streamed. Out: an {@link UploadSummary}; valid
 * records go to the records topic and invalid ones to the dead-letter topic, as for the ingest topic.
 * {@code ?source=NAME} names the upload in record ids; {@code ?endOfData=true} closes a finite dataset.
 */
@Path("/pipelines/{name}/records")
public class RecordUploadResource {

    private final RecordRouter router;

    public RecordUploadResource(RecordRouter router) {
        this.router = router;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response upload(@PathParam("name") String name,
                           @HeaderParam("Content-Type") String contentType,
                           @QueryParam("source") String source,
                           @QueryParam("endOfData") @DefaultValue("false") boolean endOfData,
                           InputStream body) throws IOException {
        if (!router.spec().pipeline().equals(name)) {
            return error(Response.Status.NOT_FOUND, "no pipeline '" + name + "' here; this deployment runs '"
                    + router.spec().pipeline() + "'");
        }
        String type = contentType == null ? "" : contentType.toLowerCase();
        String sourceName = source == null || source.isBlank() ? "upload-" + System.currentTimeMillis() : source;
        UploadReader reader = new UploadReader(router);
        if (type.startsWith("text/csv")) {
            return Response.ok(reader.readCsv(body, sourceName, endOfData)).build();
        }
        if (type.startsWith("application/x-ndjson") || type.startsWith("application/jsonl")
                || type.startsWith("application/json")) {
            return Response.ok(reader.readNdjson(body, sourceName, endOfData)).build();
        }
        return error(Response.Status.UNSUPPORTED_MEDIA_TYPE, "send text/csv (with a header line) or "
                + "application/x-ndjson (one JSON object per line), not '" + contentType + "'");
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", message)).build();
    }
}
