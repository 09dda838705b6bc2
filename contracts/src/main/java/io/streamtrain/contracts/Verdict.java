package io.streamtrain.contracts;

/** The outcome of comparing a checkpoint with the current champion. */
public enum Verdict {
    PROMOTED,
    REJECTED,
    ERROR
}
