package io.streamtrain.trainer;

import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.Verdict;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides which checkpoints may be deleted under {@code train.keepCheckpoints}. In: the evaluation events of the
 * pipeline and the checkpoint ids on disk, newest first. Out: the ids to delete. Kept are the newest
 * {@code keep} checkpoints, the current champion (the latest promoted one) and every checkpoint not evaluated
 * yet, so the evaluator never finds a checkpoint gone before it looked at it. {@code keep = 0} keeps everything.
 */
final class CheckpointRetention {

    private final int keep;
    private final Set<String> evaluated = new HashSet<>();
    private String champion;

    CheckpointRetention(int keep) {
        this.keep = keep;
    }

    void observe(EvaluationEvent evaluation) {
        evaluated.add(evaluation.checkpointId());
        if (evaluation.verdict() == Verdict.PROMOTED) {
            champion = evaluation.checkpointId();
        }
    }

    List<String> deletable(List<String> newestFirst) {
        List<String> delete = new ArrayList<>();
        if (keep == 0) {
            return delete;
        }
        for (int i = keep; i < newestFirst.size(); i++) {
            String id = newestFirst.get(i);
            if (evaluated.contains(id) && !id.equals(champion)) {
                delete.add(id);
            }
        }
        return delete;
    }
}
