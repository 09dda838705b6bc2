package io.streamtrain.cli.run;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The lines of a published file and the records they made. In: each record's id and the physical lines it covers
 * (several for a quoted CSV field that spans lines). Out: the data lines read (header and blank lines excluded),
 * and, given the ids that were dead-lettered, how those lines split between accepted records and dead letters.
 * Only records of more than one line are remembered, so a file of any length costs little memory.
 */
public final class FileLines {

    private long lines;
    private long records;
    private final Map<String, Integer> multiLine = new HashMap<>();

    /** A record of {@code count} lines was published as {@code id}. */
    synchronized void record(String id, int count) {
        lines += count;
        records++;
        if (count > 1) {
            multiLine.put(id, count);
        }
    }

    public synchronized long lines() {
        return lines;
    }

    public synchronized long records() {
        return records;
    }

    /** The lines a record covers (1 unless it spans several). */
    public synchronized int linesOf(String id) {
        return multiLine.getOrDefault(id, 1);
    }

    /** How the data lines split, given the ids of the dead-lettered records. */
    public synchronized Split split(Set<String> rejectedIds) {
        long rejectedLines = 0;
        for (String id : rejectedIds) {
            rejectedLines += linesOf(id);
        }
        return new Split(lines, lines - rejectedLines, rejectedLines);
    }

    /** Data lines read = lines in accepted records + lines in dead letters. */
    public record Split(long read, long inAccepted, long inDeadLetters) {
    }
}
