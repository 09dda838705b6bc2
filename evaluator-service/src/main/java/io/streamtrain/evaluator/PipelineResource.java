package io.streamtrain.evaluator;

import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.pipeline.spec.PipelineSpec;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * The evaluator's read API. In: {@code GET /pipelines/{name}/evaluations} and {@code GET /pipelines/{name}/champion}.
 * Out: the evaluation events in order (the last {@code limit} when given) and the current champion's model event,
 * both rebuilt from the topics after a restart; 404 for a pipeline this evaluator does not run, or before any
 * champion.
 */
@Path("/pipelines/{name}")
@Produces(MediaType.APPLICATION_JSON)
public class PipelineResource {

    private final PipelineSpec spec;
    private final EvaluationHistory history;

    public PipelineResource(PipelineSpec spec, EvaluationHistory history) {
        this.spec = spec;
        this.history = history;
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
        return Response.status(Response.Status.NOT_FOUND).entity(Map.of("error", "no pipeline '" + name
                + "' here; this deployment runs '" + spec.pipeline() + "'")).build();
    }
}
