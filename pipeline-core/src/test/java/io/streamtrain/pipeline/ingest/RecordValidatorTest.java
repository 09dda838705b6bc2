package io.streamtrain.pipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamtrain.contracts.CanonicalRecord;
import io.streamtrain.contracts.ReasonCode;
import io.streamtrain.contracts.SourceRef;
import io.streamtrain.pipeline.spec.SpecLoader;
import org.junit.jupiter.api.Test;

class RecordValidatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SourceRef SOURCE = SourceRef.file("test.csv", 2);

    private final RecordValidator declared = new RecordValidator(SpecLoader.parse("""
            pipeline: p
            data:
              label: y
              task: classification
              classes: ["0", "1"]
              features: {x: numeric, colour: categorical}
            """));
    private final RecordValidator inferred = new RecordValidator(SpecLoader.parse("""
            pipeline: p
            data: {label: price, task: regression}
            """));

    @Test
    void validRecordBecomesCanonical() {
        CanonicalRecord record = accepted(declared, "{\"x\": \"1.5\", \"colour\": \"red\", \"y\": 1, \"extra\": true}");
        assertThat(record.id()).isEqualTo("id-1");
        assertThat(record.label()).isEqualTo("1");
        assertThat(record.features()).containsEntry("x", 1.5).containsEntry("colour", "red").doesNotContainKey("extra");
        assertThat(record.source()).isEqualTo(SOURCE);
    }

    @Test
    void inferredTypesFollowTheValues() {
        CanonicalRecord record = accepted(inferred, "{\"carat\": 0.23, \"cut\": \"Ideal\", \"depth\": \"61.5\", \"price\": \"326\"}");
        assertThat(record.label()).isEqualTo(326.0);
        assertThat(record.features()).containsEntry("carat", 0.23).containsEntry("cut", "Ideal")
                .containsEntry("depth", 61.5);
    }

    @Test
    void hexDoubledSignsThousandsSeparatorsAndDecimalCommasAreNotNumbers() {
        for (String text : new String[] {"0x1F", "0x1Fp0", "--3", "1,000", "1,5", "1f", "2d", "1.2.3", "e5"}) {
            CanonicalRecord record = accepted(inferred, "{\"v\": \"" + text + "\", \"price\": 1}");
            assertThat(record.features()).as(text).containsEntry("v", text);
            assertRejected(declared, "{\"x\": \"" + text + "\", \"colour\": \"red\", \"y\": 1}",
                    ReasonCode.WRONG_TYPE, "x");
        }
        for (String text : new String[] {"12", "-3", "+3", "1.5", ".5", "5.", "1e5", "-2.5E-3"}) {
            assertThat(accepted(inferred, "{\"v\": \"" + text + "\", \"price\": 1}").features().get("v"))
                    .as(text).isInstanceOf(Double.class);
        }
    }

    @Test
    void eachProblemHasItsReason() {
        assertRejected(declared, "[1, 2]", ReasonCode.NOT_AN_OBJECT, null);
        assertRejected(declared, "{\"x\": 1, \"colour\": \"red\"}", ReasonCode.MISSING_LABEL, "y");
        assertRejected(declared, "{\"x\": 1, \"colour\": \"red\", \"y\": null}", ReasonCode.MISSING_LABEL, "y");
        assertRejected(declared, "{\"x\": \"abc\", \"colour\": \"red\", \"y\": 1}", ReasonCode.WRONG_TYPE, "x");
        assertRejected(declared, "{\"x\": NaN, \"colour\": \"red\", \"y\": 1}", ReasonCode.NON_FINITE, "x");
        assertRejected(declared, "{\"x\": \"Infinity\", \"colour\": \"red\", \"y\": 1}", ReasonCode.NON_FINITE, "x");
        assertRejected(declared, "{\"colour\": \"red\", \"y\": 1}", ReasonCode.MISSING_VALUE, "x");
        assertRejected(declared, "{\"x\": 1, \"colour\": 3, \"y\": 1}", ReasonCode.WRONG_TYPE, "colour");
        assertRejected(declared, "{\"x\": 1, \"colour\": \"red\", \"y\": 2}", ReasonCode.UNKNOWN_CLASS, "y");
        assertRejected(declared, "{\"x\": 1, \"colour\": \"red\", \"y\": {\"a\": 1}}", ReasonCode.WRONG_TYPE, "y");
        assertRejected(inferred, "{\"carat\": 1, \"price\": \"cheap\"}", ReasonCode.WRONG_TYPE, "price");
        assertRejected(inferred, "{\"carat\": [1], \"price\": 3}", ReasonCode.WRONG_TYPE, "carat");
        assertRejected(inferred, "{\"carat\": \"nan\", \"price\": 3}", ReasonCode.NON_FINITE, "carat");
    }

    @Test
    void imputedFeaturesKeepMissingValuesAsNullButInfinityIsStillRejected() {
        RecordValidator imputing = new RecordValidator(SpecLoader.parse("""
                pipeline: p
                data:
                  label: y
                  task: regression
                  features: {x: numeric, colour: categorical}
                  impute: {x: mean, colour: most_frequent}
                """));
        CanonicalRecord record = accepted(imputing, "{\"x\": NaN, \"y\": 1}");
        assertThat(record.features()).containsEntry("x", null).containsEntry("colour", null);
        assertThat(accepted(imputing, "{\"x\": \"\", \"colour\": null, \"y\": 1}").features()).containsEntry("x", null);
        assertRejected(imputing, "{\"x\": \"-Infinity\", \"y\": 1}", ReasonCode.NON_FINITE, "x");
        assertRejected(imputing, "{\"x\": 1e400, \"y\": 1}", ReasonCode.NON_FINITE, "x");
    }

    @Test
    void integralLabelsNameTheSameClassAsText() {
        assertThat(accepted(declared, "{\"x\": 1, \"colour\": \"red\", \"y\": 1.0}").label()).isEqualTo("1");
        assertThat(accepted(declared, "{\"x\": 1, \"colour\": \"red\", \"y\": \"1\"}").label()).isEqualTo("1");
    }

    private static CanonicalRecord accepted(RecordValidator validator, String json) {
        ValidationResult result = validator.validate("id-1", parse(json), SOURCE);
        assertThat(result).isInstanceOf(ValidationResult.Accepted.class);
        return ((ValidationResult.Accepted) result).record();
    }

    private static void assertRejected(RecordValidator validator, String json, ReasonCode reason, String field) {
        ValidationResult result = validator.validate("id-1", parse(json), SOURCE);
        assertThat(result).as(json).isInstanceOf(ValidationResult.Rejected.class);
        Rejection rejection = ((ValidationResult.Rejected) result).rejection();
        assertThat(rejection.reason()).as(json).isEqualTo(reason);
        assertThat(rejection.field()).as(json).isEqualTo(field);
        assertThat(rejection.detail()).as(json).isNotBlank();
    }

    private static JsonNode parse(String json) {
        JsonRecordParser.Parsed parsed = new JsonRecordParser(10_000).parse(json);
        assertThat(parsed.rejection()).as(json).isNull();
        return parsed.node();
    }
}
