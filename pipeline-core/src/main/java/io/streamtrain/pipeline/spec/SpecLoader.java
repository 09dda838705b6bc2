package io.streamtrain.pipeline.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a pipeline spec (YAML) and checks every key. In: a file or YAML text. Out: a {@link PipelineSpec} with
 * the defaults filled in, or a {@link SpecException} naming the first wrong key.
 */
public final class SpecLoader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private SpecLoader() {
    }

    public static PipelineSpec load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new SpecException("cannot read pipeline spec " + file + ": " + e, e);
        }
        return parse(bytes, file.toString());
    }

    public static PipelineSpec parse(String yaml) {
        return parse(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8), "<text>");
    }

    private static PipelineSpec parse(byte[] bytes, String origin) {
        JsonNode tree;
        try {
            tree = YAML.readTree(bytes);
        } catch (IOException e) {
            throw new SpecException("pipeline spec " + origin + " is not valid YAML: " + e.getMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new SpecException("pipeline spec " + origin + " must be a YAML mapping", (Throwable) null);
        }
        return build(SpecNode.root(tree), sha256(bytes));
    }

    private static PipelineSpec build(SpecNode root, String hash) {
        root.onlyKeys(Set.of("pipeline", "data", "split", "batch", "preprocess", "model", "train", "evaluate"));
        String name = root.child("pipeline").requiredString();
        if (!NAME.matcher(name).matches()) {
            throw new SpecException("pipeline", "must be letters, digits, '.', '_' or '-', got '" + name + "'");
        }
        PipelineSpec.Data data = data(root.section("data"));
        SpecNode splitNode = root.section("split");
        splitNode.onlyKeys(Set.of("validation"));
        var split = new PipelineSpec.Split(splitNode.child("validation").number(0.2, 0.0, 0.9));

        SpecNode batchNode = root.section("batch");
        batchNode.onlyKeys(Set.of("size", "shuffleBuffer"));
        var batch = new PipelineSpec.Batch(batchNode.child("size").integer(128, 1, 65_536),
                batchNode.child("shuffleBuffer").integer(10_000, 0, 10_000_000));

        SpecNode preNode = root.section("preprocess");
        preNode.onlyKeys(Set.of("warmupRecords", "dedupeWindow", "clip", "numericShare"));
        SpecNode clip = preNode.child("clip");
        var preprocess = new PipelineSpec.Preprocess(preNode.child("warmupRecords").integer(2_000, 1, 10_000_000),
                preNode.child("dedupeWindow").integer(100_000, 0, 10_000_000),
                clip.present() ? clip.number(0, 0.0, 1_000.0) : null,
                preNode.child("numericShare").number(0.99, 0.0, 1.0));

        PipelineSpec.Model model = model(root.section("model"));
        PipelineSpec.Train train = train(root.section("train"), data.task());
        for (String weighted : train.classWeights().explicit().keySet()) {
            if (!data.classes().isEmpty() && !data.classes().contains(weighted)) {
                throw new SpecException("train.classWeights." + weighted, "is not one of data.classes "
                        + data.classes());
            }
        }

        return new PipelineSpec(name, data, split, batch, preprocess, model, train,
                evaluate(root.section("evaluate"), data.task()), hash);
    }

    private static PipelineSpec.Evaluate evaluate(SpecNode node, Task task) {
        node.onlyKeys(Set.of("metric", "thresholds", "minDelta", "confidence", "bootstrapSamples"));
        Metric fallback = task == Task.CLASSIFICATION ? Metric.ACCURACY : Metric.RMSE;
        Metric metric = metricOf(node.child("metric"), task, fallback);
        Map<Metric, Double> thresholds = new LinkedHashMap<>();
        SpecNode thresholdNode = node.section("thresholds");
        for (var it = thresholdNode.raw().fieldNames(); it.hasNext(); ) {
            String key = it.next();
            SpecNode value = thresholdNode.child(key);
            Metric thresholdMetric = Metric.byKey(key);
            if (thresholdMetric == null || thresholdMetric.task() != task) {
                throw new SpecException(value.key(), "is not a " + task.key() + " metric");
            }
            thresholds.put(thresholdMetric, value.numberFrom(0, -1e12, 1e12));
        }
        SpecNode confidence = node.child("confidence");
        return new PipelineSpec.Evaluate(metric, Collections.unmodifiableMap(thresholds),
                node.child("minDelta").numberFrom(0.0, 0.0, 1e12),
                confidence.present() ? confidence.number(0, 0.5, 0.999) : null,
                node.child("bootstrapSamples").integer(1000, 100, 100_000));
    }

    private static Metric metricOf(SpecNode node, Task task, Metric fallback) {
        Metric metric = node.enumValue(Metric.class, fallback);
        if (metric.task() != task) {
            throw new SpecException(node.key(), "'" + metric.key() + "' is a " + metric.task().key()
                    + " metric but data.task is " + task.key());
        }
        return metric;
    }

    private static PipelineSpec.Data data(SpecNode node) {
        if (!node.present()) {
            throw new SpecException("data", "is required (at least data.label and data.task)");
        }
        node.onlyKeys(Set.of("label", "task", "features", "classes", "id", "impute", "categories", "private",
                "maxBadRecords", "csv"));
        String label = node.child("label").requiredString();
        Task task = node.child("task").enumValue(Task.class, null);
        Map<String, FeatureType> features = new LinkedHashMap<>();
        SpecNode featureNode = node.section("features");
        for (var it = featureNode.raw().fieldNames(); it.hasNext(); ) {
            String feature = it.next();
            if (feature.equals(label)) {
                throw new SpecException("data.features." + feature, "the label cannot also be a feature");
            }
            features.put(feature, featureNode.child(feature).enumValue(FeatureType.class, null));
        }
        List<String> classes = new ArrayList<>();
        for (SpecNode c : node.child("classes").list()) {
            String value = c.requiredString();
            if (classes.contains(value)) {
                throw new SpecException(c.key(), "duplicate class '" + value + "'");
            }
            classes.add(value);
        }
        if (!classes.isEmpty() && task != Task.CLASSIFICATION) {
            throw new SpecException("data.classes", "only a classification task has classes");
        }
        if (classes.size() == 1) {
            throw new SpecException("data.classes", "needs at least two classes");
        }
        String idField = node.child("id").string(null);
        Map<String, String> impute = new LinkedHashMap<>();
        SpecNode imputeNode = node.section("impute");
        for (var it = imputeNode.raw().fieldNames(); it.hasNext(); ) {
            String feature = it.next();
            SpecNode policy = imputeNode.child(feature);
            String value = policy.requiredString();
            FeatureType type = features.get(feature);
            if (feature.equals(label)) {
                throw new SpecException(policy.key(), "a missing label cannot be imputed");
            }
            if (!value.equals("mean") && !value.equals("most_frequent")) {
                throw new SpecException(policy.key(), "must be mean or most_frequent, got '" + value + "'");
            }
            if (value.equals("mean") && type == FeatureType.CATEGORICAL
                    || value.equals("most_frequent") && type == FeatureType.NUMERIC) {
                throw new SpecException(policy.key(), "'" + value + "' does not apply to a " + type.name().toLowerCase()
                        + " feature");
            }
            impute.put(feature, value);
        }
        Map<String, List<String>> categories = new LinkedHashMap<>();
        SpecNode categoryNode = node.section("categories");
        for (var it = categoryNode.raw().fieldNames(); it.hasNext(); ) {
            String feature = it.next();
            SpecNode values = categoryNode.child(feature);
            if (features.get(feature) == FeatureType.NUMERIC) {
                throw new SpecException(values.key(), "a numeric feature has no categories");
            }
            List<String> list = new ArrayList<>();
            for (SpecNode value : values.list()) {
                list.add(value.requiredString());
            }
            if (list.isEmpty()) {
                throw new SpecException(values.key(), "must list at least one category");
            }
            categories.put(feature, List.copyOf(list));
        }
        Map<String, PrivacyMode> privateFields = new LinkedHashMap<>();
        SpecNode privateNode = node.section("private");
        for (var it = privateNode.raw().fieldNames(); it.hasNext(); ) {
            String field = it.next();
            SpecNode mode = privateNode.child(field);
            if (field.equals(label)) {
                throw new SpecException(mode.key(), "the label cannot be private");
            }
            if (features.containsKey(field)) {
                throw new SpecException(mode.key(), "a feature cannot be private (the model would need its values)");
            }
            PrivacyMode privacy = mode.enumValue(PrivacyMode.class, null);
            if (field.equals(idField) && privacy == PrivacyMode.DROP) {
                throw new SpecException(mode.key(), "the id field cannot be dropped; hash it to keep a pseudonymous id");
            }
            privateFields.put(field, privacy);
        }
        BadRecordBudget maxBadRecords = BadRecordBudget.DEFAULT;
        if (node.child("maxBadRecords").present()) {
            try {
                maxBadRecords = BadRecordBudget.parse(node.child("maxBadRecords").requiredString());
            } catch (IllegalArgumentException e) {
                throw new SpecException("data.maxBadRecords", e.getMessage());
            }
        }
        SpecNode csv = node.section("csv");
        csv.onlyKeys(Set.of("maxLinesPerRecord"));
        int maxLinesPerRecord = csv.child("maxLinesPerRecord").integer(20, 1, 10_000);
        return new PipelineSpec.Data(label, task, Collections.unmodifiableMap(features), List.copyOf(classes),
                idField, Collections.unmodifiableMap(impute), Collections.unmodifiableMap(categories),
                Collections.unmodifiableMap(privateFields), maxBadRecords, maxLinesPerRecord);
    }

    private static PipelineSpec.Model model(SpecNode node) {
        node.onlyKeys(Set.of("hidden", "activation", "dropout"));
        List<Integer> hidden = new ArrayList<>();
        List<SpecNode> layers = node.child("hidden").list();
        for (SpecNode layer : layers) {
            hidden.add(layer.integer(0, 1, 65_536));
        }
        if (!node.child("hidden").present()) {
            hidden = List.of(64, 32);
        }
        Activation activation = node.child("activation").enumValue(Activation.class, Activation.RELU);
        double dropout = node.child("dropout").numberFrom(0.0, 0.0, 0.9);
        return new PipelineSpec.Model(List.copyOf(hidden), activation, dropout);
    }

    private static PipelineSpec.Train train(SpecNode node, Task task) {
        node.onlyKeys(Set.of("optimizer", "learningRate", "schedule", "momentum", "weightDecay", "loss",
                "huberDelta", "classWeights", "clipGradNorm", "onNonFinite", "epochs", "seed", "checkpointEvery",
                "checkpointEverySeconds", "keepCheckpoints", "patience", "sync"));
        OptimizerKind optimizer = node.child("optimizer").enumValue(OptimizerKind.class, OptimizerKind.ADAM);
        if (node.child("momentum").present() && optimizer != OptimizerKind.SGD) {
            throw new SpecException("train.momentum", "applies to optimizer sgd only (adam and adamw keep their own"
                    + " moments)");
        }
        LossKind fallbackLoss = task == Task.CLASSIFICATION ? LossKind.CROSS_ENTROPY : LossKind.MSE;
        LossKind loss = node.child("loss").enumValue(LossKind.class, fallbackLoss);
        if (loss.task() != task) {
            throw new SpecException("train.loss", "'" + loss.key() + "' is a " + loss.task().key()
                    + " loss but data.task is " + task.key());
        }
        if (node.child("huberDelta").present() && loss != LossKind.HUBER) {
            throw new SpecException("train.huberDelta", "applies to loss huber only");
        }
        PipelineSpec.ClassWeights classWeights = classWeights(node.child("classWeights"), task);
        return new PipelineSpec.Train(
                optimizer,
                node.child("learningRate").number(0.001, 0.0, 10.0),
                schedule(node.section("schedule")),
                node.child("momentum").numberFrom(0.0, 0.0, 0.999),
                node.child("weightDecay").numberFrom(optimizer == OptimizerKind.ADAMW ? 0.01 : 0.0, 0.0, 1.0),
                loss,
                node.child("huberDelta").number(1.0, 0.0, 1_000.0),
                classWeights,
                node.child("clipGradNorm").numberFrom(0.0, 0.0, 1e6),
                node.child("onNonFinite").enumValue(NonFinitePolicy.class, NonFinitePolicy.SKIP),
                node.child("epochs").integer(5, 1, 100_000),
                node.child("seed").longValue(42),
                node.child("checkpointEvery").integer(200, 1, Integer.MAX_VALUE),
                node.child("checkpointEverySeconds").integer(0, 0, 7 * 24 * 3600),
                node.child("keepCheckpoints").integer(0, 0, 1_000_000),
                node.child("patience").integer(0, 0, 100_000),
                sync(node.section("sync")));
    }

    private static PipelineSpec.Sync sync(SpecNode node) {
        if (!node.present()) {
            return null;
        }
        node.onlyKeys(Set.of("everySteps", "timeoutSeconds", "optimizerState"));
        return new PipelineSpec.Sync(node.child("everySteps").integer(20, 1, 1_000_000),
                node.child("timeoutSeconds").integer(10, 1, 3600),
                node.child("optimizerState").enumValue(OptimizerStateSync.class, OptimizerStateSync.LOCAL));
    }

    private static PipelineSpec.Schedule schedule(SpecNode node) {
        if (!node.present()) {
            return PipelineSpec.Schedule.FIXED;
        }
        node.onlyKeys(Set.of("type", "warmupSteps", "decaySteps", "gamma", "minLearningRate"));
        ScheduleKind type = node.child("type").enumValue(ScheduleKind.class, ScheduleKind.FIXED);
        SpecNode decay = node.child("decaySteps");
        if (type != ScheduleKind.FIXED && !decay.present()) {
            throw new SpecException(decay.key(), "is required for a " + type.name().toLowerCase() + " schedule");
        }
        if (type != ScheduleKind.STEP && node.child("gamma").present()) {
            throw new SpecException("train.schedule.gamma", "applies to type step only");
        }
        if (type != ScheduleKind.COSINE && node.child("minLearningRate").present()) {
            throw new SpecException("train.schedule.minLearningRate", "applies to type cosine only");
        }
        return new PipelineSpec.Schedule(type,
                node.child("warmupSteps").integer(0, 0, Integer.MAX_VALUE),
                decay.integer(0, 1, Integer.MAX_VALUE),
                node.child("gamma").number(0.1, 0.0, 1.0),
                node.child("minLearningRate").numberFrom(0.0, 0.0, 10.0));
    }

    private static PipelineSpec.ClassWeights classWeights(SpecNode node, Task task) {
        if (!node.present()) {
            return PipelineSpec.ClassWeights.NONE;
        }
        if (task != Task.CLASSIFICATION) {
            throw new SpecException(node.key(), "only a classification task has class weights");
        }
        if (node.raw().isTextual()) {
            if (!node.raw().asText().equals("balanced")) {
                throw new SpecException(node.key(), "must be 'balanced' or a mapping of class to weight, got '"
                        + node.raw().asText() + "'");
            }
            return new PipelineSpec.ClassWeights(true, Map.of());
        }
        if (!node.raw().isObject()) {
            throw new SpecException(node.key(), "must be 'balanced' or a mapping of class to weight");
        }
        Map<String, Double> weights = new LinkedHashMap<>();
        for (var it = node.raw().fieldNames(); it.hasNext(); ) {
            String name = it.next();
            weights.put(name, node.child(name).number(0, 0.0, 1e6));
        }
        return new PipelineSpec.ClassWeights(false, Collections.unmodifiableMap(weights));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
