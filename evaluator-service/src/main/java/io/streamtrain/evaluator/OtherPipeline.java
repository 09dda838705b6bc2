package io.streamtrain.evaluator;

import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * The answer to a request for a pipeline this deployment does not run. In: the name asked for and the name of the
 * deployment's pipeline. Out: the message, or a 404 response with it as {@code error}.
 */
public final class OtherPipeline {

    private OtherPipeline() {
    }

    public static String message(String asked, String here) {
        return "no pipeline '" + asked + "' here; this deployment runs '" + here + "'";
    }

    public static Response notFound(String asked, String here) {
        return Response.status(Response.Status.NOT_FOUND).entity(Map.of("error", message(asked, here))).build();
    }
}
