package io.streamtrain.evaluator;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.model.Predictor;
import io.streamtrain.pipeline.spec.PipelineSpec;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * The evaluator's HTTP API. In: {@code GET /pipelines/{name}/evaluations}, {@code GET /pipelines/{name}/champion}
 * {@code POST /pipelines/{name}/champion} (a manual override) and {@code POST /pipelines/{name}/predict} (raw
 * records). Out: the evaluation events in order (the last {@code limit} when given) and the current champion's
 * model event, both rebuilt from the topics after a restart; for an override, the evaluation event that records it;
 * for predict, the champion's predictions (400 naming the record and field of invalid input, 503 before a champion). 404 for a pipeline this evaluator does not run, before any
 * champion, or for an unknown checkpoint; 400 naming a missing field; 409 when the checkpoint fails its digest.
 */
@Path("/pipelines/{name}")
@Produces(MediaType.APPLICATION_JSON)
public class PipelineResource {

    /**
     * Requests of at most this many records are answered on the HTTP I/O thread when the model is free (a fraction
     * of a millisecond for a single record, and no hand-off to a worker thread); larger ones, and any that would
     * wait, run on a worker thread so that the I/O thread never blocks.
     */
    static final int ANSWERED_ON_IO_THREAD = 16;

    private final PipelineSpec spec;
    private final EvaluationHistory history;
    private final CheckpointLookup checkpoints;
    private final CheckpointEvaluator evaluator;
    private final ServingModel serving;

    public PipelineResource(PipelineSpec spec, EvaluationHistory history, CheckpointLookup checkpoints,
                            CheckpointEvaluator evaluator, ServingModel serving) {
        this.serving = serving;
        this.spec = spec;
        this.history = history;
        this.checkpoints = checkpoints;
        this.evaluator = evaluator;
    }

    /** The body of a manual override. */
    public record Override(String checkpointId, String reason) {
    }

    @POST
    @Path("/champion")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Make a checkpoint the champion", description = "A manual override of the gate, e.g. a "
            + "rollback: the checkpoint's digest is checked, it is scored on the validation rows, published as "
            + "champion with the reason, and an evaluation event (verdict PROMOTED, reason 'manual override: ...') "
            + "records it.")
    @APIResponse(responseCode = "200", description = "The evaluation event that records the override")
    @APIResponse(responseCode = "400", description = "checkpointId or reason missing")
    @APIResponse(responseCode = "404", description = "Unknown checkpoint, or not this deployment's pipeline")
    @APIResponse(responseCode = "409", description = "The checkpoint cannot be loaded or fails its digest")
    public Response override(@PathParam("name") String name, Override request) {
        if (!spec.pipeline().equals(name)) {
            return notHere(name);
        }
        for (String[] field : new String[][] {{"checkpointId", request == null ? null : request.checkpointId()},
                {"reason", request == null ? null : request.reason()}}) {
            if (field[1] == null || field[1].isBlank()) {
                return problem(Response.Status.BAD_REQUEST, "'" + field[0] + "' is required", field[0]);
            }
        }
        var checkpoint = checkpoints.find(request.checkpointId());
        if (checkpoint.isEmpty()) {
            return problem(Response.Status.NOT_FOUND, "no checkpoint '" + request.checkpointId() + "' of '" + name
                    + "' on " + io.streamtrain.contracts.Topics.CHECKPOINTS, "checkpointId");
        }
        try {
            return Response.ok(evaluator.override(checkpoint.get(), request.reason())).build();
        } catch (Exception e) {
            return problem(Response.Status.CONFLICT, "checkpoint " + request.checkpointId() + " cannot be made "
                    + "champion: " + e.getMessage(), "checkpointId");
        }
    }

    @POST
    @Path("/predict")
    @NonBlocking
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Predict with the champion", description = "Raw feature JSON, one object or a list, as "
            + "sent to the ingest topic (a label is ignored). Each record is validated and normalized as in "
            + "training; the answer gives per record the class and every class's probability, or the value in "
            + "the target's original units, and which checkpoint answered.")
    @APIResponse(responseCode = "200", description = "{checkpointId, predictions: [{prediction, probabilities}]}")
    @APIResponse(responseCode = "400", description = "A record is invalid: the error names the record and the field")
    @APIResponse(responseCode = "404", description = "Not this deployment's pipeline")
    @APIResponse(responseCode = "503", description = "No champion yet")
    public Uni<Response> predict(@PathParam("name") String name, JsonNode body) {
        if (!spec.pipeline().equals(name)) {
            return Uni.createFrom().item(notHere(name));
        }
        if (body == null || !body.isObject() && !body.isArray()) {
            return Uni.createFrom().item(problem(Response.Status.BAD_REQUEST, "send a JSON object or a list of them",
                    null));
        }
        List<JsonNode> records = new ArrayList<>();
        if (body.isArray()) {
            body.forEach(records::add);
        } else {
            records.add(body);
        }
        if (records.size() <= ANSWERED_ON_IO_THREAD) {
            try {
                return Uni.createFrom().item(respond(name, () -> serving.predictWithoutWaiting(records)));
            } catch (ServingModel.Busy busy) {
                // answered below, on a worker thread
            }
        }
        return Uni.createFrom().item(() -> respond(name, () -> serving.predict(records)))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private static Response respond(String name, Supplier<Optional<ServingModel.Answer>> prediction) {
        try {
            return prediction.get().map(answer -> Response.ok(answer).build())
                    .orElseGet(() -> problem(Response.Status.SERVICE_UNAVAILABLE, "no champion of '" + name
                            + "' yet", null));
        } catch (Predictor.InvalidInput e) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("error", e.getMessage());
            error.put("field", e.field());
            error.put("record", e.index());
            return Response.status(Response.Status.BAD_REQUEST).entity(error).build();
        }
    }

    private static Response problem(Response.Status status, String message, String field) {
        Map<String, Object> entity = new LinkedHashMap<>();
        entity.put("error", message);
        entity.put("field", field);
        return Response.status(status).entity(entity).build();
    }

    @GET
    @Path("/evaluations")
    @Operation(summary = "Evaluation history", description = "Every evaluation event of the pipeline, oldest first: "
            + "metrics, verdict, reason and the gate's figures.")
    @APIResponse(responseCode = "200", description = "The evaluations")
    @APIResponse(responseCode = "404", description = "This deployment does not run that pipeline")
    public Response evaluations(@PathParam("name") String name, @QueryParam("limit") @DefaultValue("0") int limit) {
        if (!spec.pipeline().equals(name)) {
            return notHere(name);
        }
        List<EvaluationEvent> all = history.evaluations();
        List<EvaluationEvent> shown = limit > 0 && limit < all.size() ? all.subList(all.size() - limit, all.size())
                : all;
        return Response.ok(shown).build();
    }

    @GET
    @Path("/champion")
    @Operation(summary = "Current champion", description = "The model event of the current champion: checkpoint, "
            + "location, digest, metrics, statistics and spec hash.")
    @APIResponse(responseCode = "200", description = "The champion")
    @APIResponse(responseCode = "404", description = "No champion yet, or not this deployment's pipeline")
    public Response champion(@PathParam("name") String name) {
        if (!spec.pipeline().equals(name)) {
            return notHere(name);
        }
        return history.champion().map(model -> Response.ok(model).build())
                .orElseGet(() -> Response.status(Response.Status.NOT_FOUND)
                        .entity(Map.of("error", "no champion yet for '" + name + "'")).build());
    }

    private Response notHere(String name) {
        return OtherPipeline.notFound(name, spec.pipeline());
    }
}
