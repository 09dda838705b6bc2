package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad spec or data file stops the demo before anything starts, with a message and exit code 2. */
class DemoInputErrorsTest {

    @TempDir
    Path dir;

    @Test
    void anInvalidSpecNamesTheKey() throws Exception {
        Path spec = Files.writeString(dir.resolve("bad.yaml"),
                "pipeline: p\ndata: {label: y, task: classification}\ntrain: {learningRate: -1}\n");
        Path data = Files.writeString(dir.resolve("d.csv"), "x,y\n1,a\n");
        Result result = demo("--spec", spec.toString(), "--data", data.toString(), "--workdir", dir.resolve("w").toString());
        assertThat(result.exit).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err).contains("train.learningRate");
        assertThat(dir.resolve("w")).doesNotExist();
    }

    @Test
    void aMissingDataFileIsReported() throws Exception {
        Path spec = Files.writeString(dir.resolve("ok.yaml"), "pipeline: p\ndata: {label: y, task: classification}\n");
        Result result = demo("--spec", spec.toString(), "--data", dir.resolve("missing.csv").toString());
        assertThat(result.exit).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err).contains("missing.csv");
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        assertThat(StreamTrainCli.run("demo", "--no-such-option")).isEqualTo(ExitCodes.USAGE);
    }

    private record Result(int exit, String err) {
    }

    private static Result demo(String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            String[] all = new String[args.length + 1];
            all[0] = "demo";
            System.arraycopy(args, 0, all, 1, args.length);
            return new Result(StreamTrainCli.run(all), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }
}
