package io.streamtrain.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.streamtrain.testing.KafkaTestResource;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The caps against hostile uploads, set low: columns and fields, string length, JSON nesting, body size, and
 * uploads per client and minute; each ends in a clear answer and the valid records beside them still get in.
 */
@QuarkusTest
@TestProfile(IngestLimitsTest.LowLimits.class)
@QuarkusTestResource(KafkaTestResource.class)
class IngestLimitsTest {

    public static class LowLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("streamtrain.ingest.max-fields", "5", "streamtrain.ingest.max-string-chars", "50",
                    "streamtrain.ingest.max-nesting-depth", "8", "quarkus.http.limits.max-body-size", "64K",
                    "streamtrain.ingest.max-uploads-per-minute", "6");
        }
    }

    @Test
    void eachCapRefusesWhatBreaksItAndTheRateCapHoldsAClientToItsUploads() {
        given().contentType("text/csv").body("a,b,c,d,e,f\n1,2,3,4,5,6\n").when()
                .post("/pipelines/ingest-test/records")
                .then().statusCode(400).body("error", containsString("6 columns; the limit is 5"));
        String csv = "length,colour,species\n1,red,setosa\n2," + "r".repeat(60) + ",setosa\n";
        given().contentType("text/csv").queryParam("source", "limits.csv").body(csv).when()
                .post("/pipelines/ingest-test/records")
                .then().statusCode(202).body("accepted", equalTo(1)).body("rejectedByReason.LIMIT_EXCEEDED", equalTo(1));
        String ndjson = "{\"length\": 1, \"colour\": \"red\", \"species\": \"setosa\"}\n"
                + "{\"length\": 1, \"colour\": " + "[".repeat(20) + "]".repeat(20) + ", \"species\": \"setosa\"}\n"
                + "{\"length\": 1, \"colour\": \"red\", \"species\": \"setosa\", \"a\": 1, \"b\": 2, \"c\": 3}\n";
        given().contentType("application/x-ndjson").queryParam("source", "limits.ndjson")
                .body(ndjson.getBytes(StandardCharsets.UTF_8)).when()
                .post("/pipelines/ingest-test/records")
                .then().statusCode(202).body("accepted", equalTo(1)).body("rejectedByReason.LIMIT_EXCEEDED", equalTo(2));
        given().contentType("text/csv").body(("length,colour,species\n" + "1,red,setosa\n".repeat(10_000))
                        .getBytes(StandardCharsets.UTF_8))
                .when().post("/pipelines/ingest-test/records").then().statusCode(413);

        // Six uploads a minute: the burst left after the three counted above runs out, then 429 says when to retry.
        int accepted = 0;
        io.restassured.response.Response refused = null;
        for (int i = 0; i < 10 && refused == null; i++) {
            var response = given().contentType("text/csv").body("length,colour,species\n1,red,setosa\n")
                    .when().post("/pipelines/ingest-test/records");
            if (response.statusCode() == 429) {
                refused = response;
            } else {
                assertThat(response.statusCode()).isEqualTo(202);
                accepted++;
            }
        }
        assertThat(refused).as("a refusal within ten uploads").isNotNull();
        assertThat(accepted).isBetween(2, 4);
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 10L);
        assertThat(refused.jsonPath().getString("error")).contains("too many uploads from address");
        given().when().get("/q/health/ready").then().statusCode(200);
    }
}
