package io.streamtrain.contracts;

/** The schema version written into every event of this contracts release. */
public final class SchemaVersion {

    public static final int CURRENT = 1;

    private SchemaVersion() {
    }
}
