package io.streamtrain.contracts;

/** One class's precision, recall and F1 on the validation rows, and its support (rows whose actual class it is). */
public record ClassScores(String name, double precision, double recall, double f1, long support) {
}
