package io.streamtrain.evaluator;

import io.streamtrain.contracts.ModelEvent;
import io.streamtrain.model.InferenceModel;

/** The current champion of the pipeline: its registry entry and its loaded network. */
record Champion(ModelEvent model, InferenceModel network) {
}
