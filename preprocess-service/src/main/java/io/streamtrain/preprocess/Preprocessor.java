package io.streamtrain.preprocess;

import io.streamtrain.contracts.CanonicalRecord;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.ReasonCode;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.batch.BatchAssembler;
import io.streamtrain.pipeline.features.FeatureEncoder;
import io.streamtrain.pipeline.features.InputLayout;
import io.streamtrain.pipeline.features.ShuffleBuffer;
import io.streamtrain.pipeline.features.SplitAssigner;
import io.streamtrain.pipeline.features.StatsBuilder;
import io.streamtrain.pipeline.ingest.Rejection;
import io.streamtrain.pipeline.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns canonical records into mini-batches, without any Kafka. In: canonical records and end-of-data. Out
 * (through {@link PreprocessOutput}): the statistics once the warm-up sample is complete, then per record the
 * encoded row, split by a stable hash of its id; train rows pass through the seeded shuffle buffer. Records
 * that do not fit the statistics (a text where a number was learned, a class outside a fixed list) are rejected.
 *
 * <p>A class first seen after the warm-up is learned when the spec does not fix the classes: it is appended to the
 * class list (indices never change, so the rows already encoded stay valid), a new statistics version is published
 * before the first row that uses it, and the batches from then on carry that version; the trainer grows its output
 * layer when it meets the first of them. At most {@value #MAX_CLASSES} classes are learned this way.
 *
 * <p>A categorical value first seen after the warm-up is learned the same way when the spec does not fix the
 * feature's vocabulary (up to {@value #MAX_VOCABULARY} values; beyond, {@code <unknown>}): appended to the vocabulary,
 * which inserts one input before the block's {@code <unknown>} slot. The rows already encoded, waiting in the
 * shuffle buffer and the partial batches, are widened to the new layout (zero in the new slot: none of them held the
 * value), so no batch mixes layouts and a replay from the grown statistics makes the same rows.
 */
final class Preprocessor {

    /** The most classes the statistics grow to; beyond, a new class is rejected as UNKNOWN_CLASS. */
    static final int MAX_CLASSES = 1_000;
    /** The most values a learned vocabulary grows to; beyond, a new value is encoded as {@code <unknown>}. */
    static final int MAX_VOCABULARY = 1_000;

    private final PipelineSpec spec;
    private final PreprocessOutput output;
    private final SplitAssigner split;
    private final RecentIds recentIds;
    private final StatsBuilder warmupStats;
    private final List<CanonicalRecord> warmup = new ArrayList<>();
    private FeatureEncoder encoder;
    private ShuffleBuffer<EncodedRow> shuffle;
    private BatchAssembler train;
    private BatchAssembler validation;
    private long trainRows;
    private long validationRows;

    /** One encoded row waiting in the shuffle buffer. */
    private record EncodedRow(float[] features, int classIndex, float target) {
    }

    /**
     * Everything here is a deterministic function of the input sequence and the seed (batch ids included), so
     * replaying the same input reproduces the same outputs in the same order: what exactly-once recovery
     * relies on.
     *
     * @param restored statistics already published for this pipeline (kept as they are), or null to compute them
     */
    Preprocessor(PipelineSpec spec, NormalizationStats restored, PreprocessOutput output) {
        this.spec = spec;
        this.output = output;
        this.recentIds = new RecentIds(spec.preprocess().dedupeWindow());
        this.split = new SplitAssigner(spec.split().validation(), spec.train().seed());
        this.warmupStats = new StatsBuilder(spec);
        if (restored != null) {
            start(restored);
        }
    }

    void accept(CanonicalRecord record) {
        if (!recentIds.add(record.id())) {
            output.rejected(record, new Rejection(ReasonCode.DUPLICATE_ID, null, "the record id '" + record.id()
                    + "' was already seen among the last " + spec.preprocess().dedupeWindow() + " records"));
            return;
        }
        if (encoder == null) {
            warmup.add(record);
            warmupStats.add(record);
            if (warmup.size() >= spec.preprocess().warmupRecords()) {
                finishWarmup();
            }
            return;
        }
        encode(record);
    }

    void endOfData() {
        if (encoder == null) {
            if (warmup.isEmpty()) {
                return;
            }
            finishWarmup();
        }
        for (EncodedRow row : shuffle.drain()) {
            emitTrain(row);
        }
        Batch last = train.flush();
        if (last != null) {
            output.trainBatch(last);
        }
        last = validation.flush();
        if (last != null) {
            output.validationBatch(last);
        }
        output.endOfData(train.batchesEmitted(), trainRows, validation.batchesEmitted(), validationRows);
    }

    private void finishWarmup() {
        NormalizationStats stats = warmupStats.build(1);
        output.stats(stats);
        start(stats);
        List<CanonicalRecord> held = new ArrayList<>(warmup);
        warmup.clear();
        held.forEach(this::encode);
    }

    private void start(NormalizationStats stats) {
        encoder = new FeatureEncoder(stats);
        shuffle = new ShuffleBuffer<>(spec.batch().shuffleBuffer(), spec.train().seed());
        train = new BatchAssembler(spec.pipeline(), "train", stats.version(), spec.batch().size(),
                encoder.inputSize(), spec.classification());
        validation = new BatchAssembler(spec.pipeline(), "validation", stats.version(),
                spec.batch().size(), encoder.inputSize(), spec.classification());
    }

    private void encode(CanonicalRecord record) {
        growVocabularies(record);
        float[] features = new float[encoder.inputSize()];
        Rejection problem = encoder.encodeFeatures(record.features(), features, 0);
        if (problem != null) {
            output.rejected(record, problem);
            return;
        }
        int classIndex = -1;
        float target = 0;
        if (spec.classification()) {
            classIndex = encoder.classOf(record.label());
            if (classIndex < 0 && spec.data().classes().isEmpty()
                    && encoder.stats().label().classes().size() < MAX_CLASSES) {
                growClasses(String.valueOf(record.label()));
                classIndex = encoder.classOf(record.label());
            }
            if (classIndex < 0) {
                output.rejected(record, new Rejection(ReasonCode.UNKNOWN_CLASS, spec.data().label(),
                        "the label '" + record.label() + "' is not one of the classes " + encoder.stats().label().classes()));
                return;
            }
        } else {
            target = encoder.standardizeTarget(((Number) record.label()).doubleValue());
        }
        EncodedRow row = new EncodedRow(features, classIndex, target);
        if (split.isValidation(record.id())) {
            validationRows++;
            Batch full = add(validation, row);
            if (full != null) {
                output.validationBatch(full);
            }
        } else {
            EncodedRow out = shuffle.add(row);
            if (out != null) {
                emitTrain(out);
            }
        }
    }

    /** Appends the record's categorical values that no vocabulary holds yet: the next version, rows widened. */
    private void growVocabularies(CanonicalRecord record) {
        NormalizationStats before = encoder.stats();
        List<NormalizationStats.CategoricalFeature> grown = null;
        for (int c = 0; c < before.categorical().size(); c++) {
            NormalizationStats.CategoricalFeature feature = before.categorical().get(c);
            Object value = record.features().get(feature.name());
            if (value == null || spec.data().categories().containsKey(feature.name())
                    || encoder.inVocabulary(c, value) || feature.vocabulary().size() >= MAX_VOCABULARY) {
                continue;
            }
            if (grown == null) {
                grown = new ArrayList<>(before.categorical());
            }
            List<String> vocabulary = new ArrayList<>(feature.vocabulary());
            vocabulary.add(FeatureEncoder.categoryKey(value));
            grown.set(c, new NormalizationStats.CategoricalFeature(feature.name(), vocabulary, feature.mostFrequent(),
                    feature.missing(), learnedIn(feature.learnedIn(), feature.vocabulary().size(),
                    before.version() + 1)));
        }
        if (grown == null) {
            return;
        }
        NormalizationStats wider = new NormalizationStats(NormalizationStats.FORMAT_VERSION, before.pipeline(),
                before.version() + 1, before.warmupRecords(), before.numeric(), grown, before.label(), before.clip(),
                before.inferredNumericShares());
        output.stats(wider);
        encoder = new FeatureEncoder(wider);
        shuffle.replaceAll(row -> new EncodedRow(InputLayout.convert(row.features(), 1, before, wider),
                row.classIndex(), row.target()));
        train.widen(wider.inputSize(), wider.version(), (rows, count) -> InputLayout.convert(rows, count, before,
                wider));
        validation.widen(wider.inputSize(), wider.version(), (rows, count) -> InputLayout.convert(rows, count, before,
                wider));
    }

    /** Appends a class: the next statistics version, published before any row of it, and its batches' stamp. */
    private void growClasses(String label) {
        NormalizationStats before = encoder.stats();
        NormalizationStats.LabelInfo was = before.label();
        List<String> classes = new ArrayList<>(was.classes());
        classes.add(label);
        List<Long> counts = was.classCounts() == null ? null : new ArrayList<>(was.classCounts());
        if (counts != null) {
            counts.add(0L);
        }
        NormalizationStats grown = new NormalizationStats(NormalizationStats.FORMAT_VERSION, before.pipeline(),
                before.version() + 1, before.warmupRecords(), before.numeric(), before.categorical(),
                new NormalizationStats.LabelInfo(was.task(), classes, was.mean(), was.std(), counts,
                        learnedIn(was.classesLearnedIn(), was.classes().size(), before.version() + 1)), before.clip(),
                before.inferredNumericShares());
        output.stats(grown);
        encoder = new FeatureEncoder(grown);
        train.stampWith(grown.version());
        validation.stampWith(grown.version());
    }

    /** The versions that learned each entry of a list of {@code size}, with one more learned in {@code version}. */
    private static List<Integer> learnedIn(List<Integer> before, int size, int version) {
        List<Integer> versions = before != null ? new ArrayList<>(before)
                : new ArrayList<>(java.util.Collections.nCopies(size, 1));
        versions.add(version);
        return versions;
    }

    private void emitTrain(EncodedRow row) {
        trainRows++;
        Batch full = add(train, row);
        if (full != null) {
            output.trainBatch(full);
        }
    }

    private static Batch add(BatchAssembler assembler, EncodedRow row) {
        System.arraycopy(row.features(), 0, assembler.rowBuffer(), assembler.rowOffset(), row.features().length);
        return row.classIndex() >= 0 ? assembler.commitClass(row.classIndex()) : assembler.commitTarget(row.target());
    }
}
