package io.streamtrain.ingest;

import io.streamtrain.pipeline.ingest.BodyProblem;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code POST /pipelines/{name}/records}: uploads records over HTTP. In: an NDJSON body (one JSON object per line)
 * or a CSV body with a header ({@code Content-Type: text/csv}), streamed. Out: 202 with an {@link UploadSummary};
 * valid records go to the records topic and invalid ones to the dead-letter topic, as for the ingest topic.
 * A line over {@code streamtrain.ingest.max-record-bytes} stops the upload with 413, a CSV without a usable header
 * (or with more columns than {@code streamtrain.ingest.max-fields}) with 400; both name the line and count what got
 * in before it. A client over {@code streamtrain.ingest.max-uploads-per-minute} gets 429 with Retry-After.
 */
@Path("/pipelines/{name}/records")
public class RecordUploadResource {

    private final RecordRouter router;
    private final UploadRateLimiter rateLimiter;
    private final jakarta.enterprise.inject.Instance<SecurityIdentity> identity;
    private final boolean httpAuth;
    private final int maxLineChars;

    public RecordUploadResource(RecordRouter router, UploadRateLimiter rateLimiter,
                                jakarta.enterprise.inject.Instance<SecurityIdentity> identity,
                                @ConfigProperty(name = "streamtrain.http.auth") boolean httpAuth,
                                @ConfigProperty(name = "streamtrain.ingest.max-record-bytes") int maxLineChars) {
        this.router = router;
        this.rateLimiter = rateLimiter;
        this.identity = identity;
        this.httpAuth = httpAuth;
        this.maxLineChars = maxLineChars;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Upload records", description = "NDJSON (application/x-ndjson, one JSON object per line) "
            + "or CSV with a header (text/csv). Each valid record goes to streamtrain.records.v1, each invalid one "
            + "to streamtrain.rejected.v1 with a reason code.")
    @APIResponse(responseCode = "202", description = "Read to the end: counts of records, accepted and rejected by reason")
    @APIResponse(responseCode = "400", description = "A CSV body without a usable header line")
    @APIResponse(responseCode = "404", description = "This deployment does not run that pipeline")
    @APIResponse(responseCode = "413", description = "A line (or the body) over the configured limit")
    @APIResponse(responseCode = "415", description = "Neither CSV nor NDJSON")
    @APIResponse(responseCode = "429", description = "More uploads from this client than "
            + "streamtrain.ingest.max-uploads-per-minute; Retry-After says when to try again")
    public Response upload(@PathParam("name") String name,
                           @HeaderParam("Content-Type") String contentType,
                           @Parameter(description = "Names the upload in record ids (<source>:<line>)")
                           @QueryParam("source") String source,
                           @Parameter(description = "Close a finite dataset with an end-of-data marker")
                           @QueryParam("endOfData") @DefaultValue("false") boolean endOfData,
                           @Context HttpServerRequest request,
                           InputStream body) throws IOException {
        if (!router.spec().pipeline().equals(name)) {
            return error(Response.Status.NOT_FOUND, "no pipeline '" + name + "' here; this deployment runs '"
                    + router.spec().pipeline() + "'", null, null);
        }
        // With security on the caller is the token's user; off, no token is looked at and the address counts.
        String client = httpAuth ? "user " + identity.get().getPrincipal().getName()
                : "address " + request.remoteAddress().hostAddress();
        long wait = rateLimiter.take(client, System.nanoTime());
        if (wait > 0) {
            return Response.fromResponse(error(Response.Status.TOO_MANY_REQUESTS, "too many uploads from " + client
                    + "; try again in " + wait + " s", null, null)).header("Retry-After", wait).build();
        }
        String type = contentType == null ? "" : contentType.toLowerCase();
        boolean csv = type.startsWith("text/csv");
        boolean ndjson = type.startsWith("application/x-ndjson") || type.startsWith("application/jsonl")
                || type.startsWith("application/json");
        if (!csv && !ndjson) {
            return error(Response.Status.UNSUPPORTED_MEDIA_TYPE, "send text/csv (with a header line) or "
                    + "application/x-ndjson (one JSON object per line), not '" + contentType + "'", null, null);
        }
        String sourceName = source == null || source.isBlank() ? "upload-" + System.currentTimeMillis() : source;
        UploadReader reader = new UploadReader(router, maxLineChars);
        try {
            UploadSummary summary = csv ? reader.readCsv(body, sourceName, endOfData)
                    : reader.readNdjson(body, sourceName, endOfData);
            return Response.accepted(summary).build();
        } catch (BodyProblem problem) {
            Response.Status status = problem.kind() == BodyProblem.Kind.TOO_LONG
                    ? Response.Status.REQUEST_ENTITY_TOO_LARGE : Response.Status.BAD_REQUEST;
            return error(status, problem.getMessage(), problem.line(), reader.partial(sourceName));
        }
    }

    private static Response error(Response.Status status, String message, Long line, UploadSummary before) {
        Map<String, Object> entity = new LinkedHashMap<>();
        entity.put("error", message);
        if (line != null) {
            entity.put("line", line);
            entity.put("before", before);
        }
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(entity).build();
    }
}
