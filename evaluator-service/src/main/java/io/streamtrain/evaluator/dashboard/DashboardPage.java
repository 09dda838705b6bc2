package io.streamtrain.evaluator.dashboard;

import io.streamtrain.pipeline.spec.PipelineSpec;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Where the dashboard starts: {@code GET /dashboard} sends the browser to the page ({@code /dashboard/index.html},
 * static, drawing with uPlot), and {@code GET /pipelines} names this deployment's pipeline for it.
 */
@Path("/")
public class DashboardPage {

    private final PipelineSpec spec;

    public DashboardPage(PipelineSpec spec) {
        this.spec = spec;
    }

    @GET
    @Path("dashboard")
    public Response page() {
        return Response.seeOther(URI.create("/dashboard/index.html")).build();
    }

    @GET
    @Path("pipelines")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, List<String>> pipelines() {
        return Map.of("pipelines", List.of(spec.pipeline()));
    }
}
