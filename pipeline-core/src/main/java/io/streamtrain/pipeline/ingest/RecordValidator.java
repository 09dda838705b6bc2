package io.streamtrain.pipeline.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamtrain.contracts.CanonicalRecord;
import io.streamtrain.contracts.ReasonCode;
import io.streamtrain.contracts.SchemaVersion;
import io.streamtrain.contracts.SourceRef;
import io.streamtrain.pipeline.spec.FeatureType;
import io.streamtrain.pipeline.spec.PipelineSpec;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks one raw record against the pipeline spec. In: a JSON tree (from a message or a CSV row). Out: the record
 * in canonical form (numbers as Double, categories as String, the label typed for the task), or the first
 * problem found. Declared features are checked by their type; without declarations every other field is a
 * feature, numeric when it is a number or numeric text, categorical otherwise. A missing value (absent, null or
 * blank; NaN too for a numeric feature) is rejected, unless the spec imputes the feature: then it is kept as null
 * and the preprocessor fills it in. Infinity is always rejected.
 */
public final class RecordValidator {

    private final PipelineSpec spec;

    public RecordValidator(PipelineSpec spec) {
        this.spec = spec;
    }

    public ValidationResult validate(String id, JsonNode node, SourceRef source) {
        if (node == null || !node.isObject()) {
            return reject(ReasonCode.NOT_AN_OBJECT, null,
                    "expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType().name().toLowerCase()));
        }
        String labelField = spec.data().label();
        JsonNode labelNode = node.get(labelField);
        if (labelNode == null || labelNode.isNull() || labelNode.isTextual() && labelNode.asText().isBlank()) {
            return reject(ReasonCode.MISSING_LABEL, labelField, "the label field '" + labelField + "' is missing");
        }
        Object label;
        if (spec.classification()) {
            if (!labelNode.isValueNode()) {
                return reject(ReasonCode.WRONG_TYPE, labelField, "the label '" + labelField + "' must be a string or a number");
            }
            label = classLabel(labelNode);
            if (!spec.data().classes().isEmpty() && !spec.data().classes().contains(label)) {
                return reject(ReasonCode.UNKNOWN_CLASS, labelField, "the label '" + label + "' is not one of "
                        + spec.data().classes());
            }
        } else {
            Object number = numeric(labelNode);
            if (number instanceof Rejection problem) {
                return new ValidationResult.Rejected(withField(problem, labelField, "the label"));
            }
            label = number;
        }
        Features features = features(node);
        if (features.rejection() != null) {
            return new ValidationResult.Rejected(features.rejection());
        }
        return new ValidationResult.Accepted(new CanonicalRecord(SchemaVersion.CURRENT, spec.pipeline(), id, label,
                features.values(), source));
    }

    /** A record's features in canonical form, or why they cannot be used. */
    public record Features(Map<String, Object> values, Rejection rejection) {
    }

    /**
     * Validates and types the features of a JSON object, ignoring the label and id fields: the spec's declared
     * features, or every other field with its type inferred. Used for training records and for prediction input.
     */
    public Features features(JsonNode node) {
        if (node == null || !node.isObject()) {
            return new Features(null, new Rejection(ReasonCode.NOT_AN_OBJECT, null, "expected a JSON object"));
        }
        String labelField = spec.data().label();
        Map<String, Object> features = new LinkedHashMap<>();
        if (!spec.data().features().isEmpty()) {
            for (Map.Entry<String, FeatureType> feature : spec.data().features().entrySet()) {
                Object value = declared(feature.getKey(), feature.getValue(), node.get(feature.getKey()));
                if (value instanceof Rejection problem) {
                    return new Features(null, problem);
                }
                features.put(feature.getKey(), value);
            }
        } else {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getKey().equals(labelField) || field.getKey().equals(spec.data().idField())
                        || spec.data().privateFields().containsKey(field.getKey())) {
                    continue;
                }
                Object value = inferred(field.getKey(), field.getValue());
                if (value instanceof Rejection problem) {
                    return new Features(null, problem);
                }
                features.put(field.getKey(), value);
            }
        }
        return new Features(features, null);
    }

    /** Integral numbers become "3", not "3.0", so that 3 and "3" name the same class. */
    static String classLabel(JsonNode node) {
        if (node.isNumber() && node.isIntegralNumber()) {
            return node.bigIntegerValue().toString();
        }
        if (node.isNumber() && node.asDouble() == Math.rint(node.asDouble()) && Double.isFinite(node.asDouble())) {
            return Long.toString((long) node.asDouble());
        }
        return node.asText().trim();
    }

    private Object declared(String name, FeatureType type, JsonNode value) {
        if (missing(value)) {
            return missingValue(name);
        }
        if (type == FeatureType.NUMERIC) {
            return numericFeature(name, value);
        }
        if (!value.isTextual()) {
            return new Rejection(ReasonCode.WRONG_TYPE, name, "the categorical feature '" + name
                    + "' must be a string, got " + value.getNodeType().name().toLowerCase() + " " + value);
        }
        return value.asText().trim();
    }

    private Object inferred(String name, JsonNode value) {
        if (missing(value)) {
            return missingValue(name);
        }
        if (value.isContainerNode()) {
            return new Rejection(ReasonCode.WRONG_TYPE, name, "the feature '" + name
                    + "' must be a number or a string, got " + value.getNodeType().name().toLowerCase());
        }
        if (value.isNumber() || value.isTextual() && looksNumeric(value.asText())) {
            return numericFeature(name, value);
        }
        return value.asText().trim();
    }

    private static boolean missing(JsonNode value) {
        return value == null || value.isNull() || value.isTextual() && value.asText().isBlank();
    }

    /** Null (to be imputed) when the spec imputes the feature, else a MISSING_VALUE rejection. */
    private Object missingValue(String name) {
        return spec.data().impute().containsKey(name) ? null
                : new Rejection(ReasonCode.MISSING_VALUE, name, "the feature '" + name + "' is missing");
    }

    private Object numericFeature(String name, JsonNode value) {
        Object number = numeric(value);
        if (number instanceof Rejection problem) {
            if (problem.reason() == ReasonCode.NON_FINITE && problem.detail().endsWith("NaN")
                    && spec.data().impute().containsKey(name)) {
                return null;
            }
            return withField(problem, name, "the feature '" + name + "'");
        }
        return number;
    }

    /** A finite Double, or a Rejection whose detail the caller completes with the field's name. */
    private static Object numeric(JsonNode value) {
        double number;
        if (value.isNumber()) {
            number = value.asDouble();
        } else if (value.isTextual()) {
            try {
                number = parseNumber(value.asText().trim());
            } catch (NumberFormatException e) {
                return new Rejection(ReasonCode.WRONG_TYPE, null, "must be a number, got \"" + abbreviate(value.asText()) + "\"");
            }
        } else {
            return new Rejection(ReasonCode.WRONG_TYPE, null, "must be a number, got "
                    + value.getNodeType().name().toLowerCase());
        }
        if (!Double.isFinite(number)) {
            return new Rejection(ReasonCode.NON_FINITE, null, "must be finite, got " + number);
        }
        return number;
    }

    private static double parseNumber(String text) {
        return switch (text.toLowerCase()) {
            case "nan" -> Double.NaN;
            case "inf", "+inf", "infinity", "+infinity" -> Double.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
            default -> {
                if (!DECIMAL.matcher(text).matches()) {
                    throw new NumberFormatException(text);
                }
                yield Double.parseDouble(text);
            }
        };
    }

    /**
     * A number as people write one in data: optional sign, digits with an optional decimal point, optional
     * exponent. Not hex ({@code 0x1F}), doubled signs ({@code --3}), thousands separators ({@code 1,000}), a
     * decimal comma ({@code 1,5}) or Java's suffixes ({@code 1f}), which {@link Double#parseDouble} partly takes.
     */
    private static final java.util.regex.Pattern DECIMAL =
            java.util.regex.Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private static boolean looksNumeric(String text) {
        String t = text.trim();
        if (t.equalsIgnoreCase("nan") || t.equalsIgnoreCase("infinity") || t.equalsIgnoreCase("-infinity")
                || t.equalsIgnoreCase("inf") || t.equalsIgnoreCase("-inf")) {
            return true;
        }
        return DECIMAL.matcher(t).matches();
    }

    private static Rejection withField(Rejection problem, String field, String what) {
        return new Rejection(problem.reason(), field, what + " " + problem.detail());
    }

    private static ValidationResult reject(ReasonCode reason, String field, String detail) {
        return new ValidationResult.Rejected(new Rejection(reason, field, detail));
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
