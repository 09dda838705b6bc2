package io.streamtrain.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.streamtrain.support.security.BearerTokens;
import io.streamtrain.testing.KafkaTestResource;
import io.streamtrain.testing.SecuredHttpProfile;
import org.junit.jupiter.api.Test;

/**
 * With HTTP security on, uploading records takes a bearer token with the ingest role: 401 without a valid one
 * (none, expired, signed by another key), 403 with another role; health stays open for probes.
 */
@QuarkusTest
@TestProfile(SecuredHttpProfile.class)
@QuarkusTestResource(KafkaTestResource.class)
class IngestHttpAuthTest {

    private static final String CSV = "length,colour,species\n5.1,red,setosa\n";

    @Test
    void uploadsNeedATokenWithTheIngestRole() {
        upload(null).then().statusCode(401);
        upload("not-a-jwt").then().statusCode(401);
        upload(SecuredHttpProfile.expiredToken(BearerTokens.INGEST)).then().statusCode(401);
        upload(SecuredHttpProfile.foreignToken(BearerTokens.INGEST)).then().statusCode(401);
        upload(SecuredHttpProfile.token(BearerTokens.PREDICT, BearerTokens.PROMOTE)).then().statusCode(403);
        upload(SecuredHttpProfile.token(BearerTokens.INGEST)).then().statusCode(202).body("accepted", equalTo(1));
    }

    @Test
    void healthAndTheApiDescriptionStayOpen() {
        given().when().get("/q/health/ready").then().statusCode(200);
        given().when().get("/q/health/live").then().statusCode(200);
        given().when().get("/q/openapi").then().statusCode(200);
    }

    private static io.restassured.response.Response upload(String token) {
        var request = given().contentType("text/csv").queryParam("source", "secured.csv").body(CSV);
        if (token != null) {
            request = request.header("Authorization", "Bearer " + token);
        }
        return request.when().post("/pipelines/ingest-test/records");
    }
}
