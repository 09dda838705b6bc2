package io.streamtrain.evaluator.dashboard;

import io.smallrye.mutiny.Multi;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.evaluator.OtherPipeline;
import io.streamtrain.pipeline.spec.PipelineSpec;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * The dashboard's data: {@code GET /pipelines/{name}/dashboard} is the {@link DashboardState.Snapshot} as JSON, and
 * {@code .../dashboard/stream} the same as server-sent events, a new one each second while something changed (and
 * one every ten seconds anyway). The page itself is {@link DashboardPage}.
 */
@Path("/pipelines/{name}/dashboard")
public class DashboardResource {

    private final PipelineSpec spec;
    private final DashboardFeed feed;

    public DashboardResource(PipelineSpec spec, DashboardFeed feed) {
        this.spec = spec;
        this.feed = feed;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response snapshot(@PathParam("name") String name) {
        if (!spec.pipeline().equals(name)) {
            return OtherPipeline.notFound(name, spec.pipeline());
        }
        return Response.ok(feed.state().snapshot()).build();
    }

    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<String> stream(@PathParam("name") String name) {
        if (!spec.pipeline().equals(name)) {
            return Multi.createFrom().failure(new NotFoundException(OtherPipeline.message(name, spec.pipeline())));
        }
        // What this client was last sent: the state's time, the lag's hash, when (nanoTime).
        long[] sent = {-1, 0, 0};
        return Multi.createFrom().ticks().startingAfter(Duration.ofMillis(100)).every(Duration.ofSeconds(1))
                .onOverflow().drop()
                .map(tick -> feed.state().snapshot())
                .filter(snapshot -> {
                    boolean changed = snapshot.updatedAt() != sent[0] || snapshot.lag().hashCode() != sent[1];
                    boolean due = System.nanoTime() - sent[2] > 10_000_000_000L;
                    if (changed || due) {
                        sent[0] = snapshot.updatedAt();
                        sent[1] = snapshot.lag().hashCode();
                        sent[2] = System.nanoTime();
                        return true;
                    }
                    return false;
                })
                .map(EventCodec::toJson);
    }
}
