package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.cli.local.PidFiles;
import io.streamtrain.cli.local.WorkDir;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code up}, {@code scale} and {@code down} refuse or leave alone, without starting anything: more trainers
 * than the spec allows, a second supervisor on one work directory, and a pid file whose pid now belongs to another
 * process (this test's own JVM stands in for it, so a wrong kill would end the test).
 */
class UpDownChecksTest {

    private static final Path IRIS = Path.of("src/test/resources/iris/pipeline.yaml");

    @TempDir
    Path temp;

    @Test
    void scaleBeyondOneTrainerWithoutTrainSyncIsABadRequestNamingTheSetting() throws Exception {
        WorkDir work = runningLookalike();
        String[] err = new String[1];
        assertThat(exit(() -> StreamTrainCli.run("scale", "trainer", "2", "--workdir", work.root().toString()), err))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err[0]).contains("train.sync");
        assertThat(exit(() -> StreamTrainCli.run("scale", "trainer", "0", "--workdir", work.root().toString()), err))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(work.desired()).doesNotExist();
    }

    @Test
    void upWhereASupervisorIsAliveSaysSoAndExits2() throws Exception {
        WorkDir work = runningLookalike();
        String[] err = new String[1];
        assertThat(exit(() -> StreamTrainCli.run("up", "--spec", IRIS.toString(), "--workdir",
                work.root().toString(), "--detach"), err)).isEqualTo(ExitCodes.USAGE);
        assertThat(err[0]).contains("a supervisor already runs in " + work.root())
                .contains("pid " + ProcessHandle.current().pid());
    }

    @Test
    void downLeavesAProcessAloneWhosePidWasReusedAndRemovesTheStalePidFiles() throws Exception {
        WorkDir work = new WorkDir(temp.resolve("work"));
        Files.createDirectories(work.pids());
        // This JVM started after the pid file was written and does not name the work directory: not ours.
        Path reused = Files.writeString(work.pids().resolve("supervisor.pid"), ProcessHandle.current().pid() + "\n");
        Files.setLastModifiedTime(reused, FileTime.fromMillis(0));
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        Files.writeString(work.pids().resolve("trainer-service.pid"), finished.pid() + "\n");

        assertThat(new PidFiles(work).live("supervisor")).isEmpty();
        String[] out = new String[1];
        assertThat(output(() -> StreamTrainCli.run("down", "--workdir", work.root().toString()), out)).isZero();
        assertThat(out[0]).contains("nothing was running in " + work.root());
        try (var files = Files.list(work.pids())) {
            assertThat(files).isEmpty();
        }
    }

    /** A work directory whose endpoints.json names a spec without train.sync and whose supervisor is this JVM. */
    private WorkDir runningLookalike() throws Exception {
        WorkDir work = new WorkDir(temp.resolve("work"));
        Files.createDirectories(work.pids());
        Files.writeString(work.endpoints(), "{\"pipeline\": \"iris-e2e\", \"spec\": \"" + IRIS.toAbsolutePath()
                + "\", \"bootstrapServers\": \"127.0.0.1:1\", \"localBroker\": true, \"services\": {}, \"ready\": [],"
                + " \"restarts\": {}, \"problems\": {}, \"warnings\": []}");
        new PidFiles(work).write("supervisor", ProcessHandle.current().pid());
        return work;
    }

    private static int exit(IntSupplier command, String[] err) {
        PrintStream before = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            return command.getAsInt();
        } finally {
            System.setErr(before);
            err[0] = printed.toString(StandardCharsets.UTF_8);
            before.print(err[0]);
        }
    }

    private static int output(IntSupplier command, String[] out) {
        PrintStream before = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            return command.getAsInt();
        } finally {
            System.setOut(before);
            out[0] = printed.toString(StandardCharsets.UTF_8);
            before.print(out[0]);
        }
    }
}
