package io.streamtrain.evaluator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.streamtrain.support.security.BearerTokens;
import io.streamtrain.testing.KafkaTestResource;
import io.streamtrain.testing.SecuredHttpProfile;
import org.junit.jupiter.api.Test;

/**
 * With HTTP security on, predicting takes the predict role and overriding the champion the promote role: 401
 * without a valid token, 403 with the other role; the read-only endpoints and health stay open.
 */
@QuarkusTest
@TestProfile(SecuredHttpProfile.class)
@QuarkusTestResource(KafkaTestResource.class)
class EvaluatorHttpAuthTest {

    private static final String PREDICT = "/pipelines/evaluator-test/predict";
    private static final String CHAMPION = "/pipelines/evaluator-test/champion";

    @Test
    void predictNeedsThePredictRole() {
        post(PREDICT, null).then().statusCode(401);
        post(PREDICT, SecuredHttpProfile.foreignToken(BearerTokens.PREDICT)).then().statusCode(401);
        post(PREDICT, SecuredHttpProfile.expiredToken(BearerTokens.PREDICT)).then().statusCode(401);
        post(PREDICT, SecuredHttpProfile.token(BearerTokens.INGEST, BearerTokens.PROMOTE)).then().statusCode(403);
        // Let in: the empty record is refused for what it is (or there is no champion yet), not for who sent it.
        post(PREDICT, SecuredHttpProfile.token(BearerTokens.PREDICT)).then().statusCode(anyOf(equalTo(400),
                equalTo(503)));
    }

    @Test
    void overridingTheChampionNeedsThePromoteRole() {
        post(CHAMPION, null).then().statusCode(401);
        post(CHAMPION, SecuredHttpProfile.token(BearerTokens.PREDICT)).then().statusCode(403);
        post(CHAMPION, SecuredHttpProfile.token(BearerTokens.PROMOTE)).then().statusCode(400);
    }

    @Test
    void readingAndHealthStayOpen() {
        given().when().get("/pipelines/evaluator-test/evaluations").then().statusCode(200);
        given().when().get(CHAMPION).then().statusCode(anyOf(equalTo(200), equalTo(404)));
        given().when().get("/q/health/ready").then().statusCode(200);
    }

    private static Response post(String path, String token) {
        var request = given().contentType("application/json").body("{}");
        if (token != null) {
            request = request.header("Authorization", "Bearer " + token);
        }
        return request.when().post(path);
    }
}
