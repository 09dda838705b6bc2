package io.streamtrain.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.cli.StreamTrainCli;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.GateReport;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plots of a run, from its report: real PNG pictures, the right ones for the task, redrawn by the CLI. */
class RunPlotsTest {

    @TempDir
    Path dir;

    @Test
    void aClassificationRunGetsLossMetricAndConfusionMatrix() throws Exception {
        List<Path> written = RunPlots.write(report(true), dir.resolve("plots"));
        assertThat(written).extracting(p -> p.getFileName().toString())
                .containsExactly("loss.png", "metric.png", "confusion.png");
        for (Path png : written) {
            assertDrawn(png);
        }
    }

    @Test
    void aRegressionRunGetsPredictedAgainstActualAndTheCliRedrawsFromTheReport() throws Exception {
        Path report = Files.write(dir.resolve("report.json"), EventCodec.mapper().writeValueAsBytes(report(false)));
        assertThat(StreamTrainCli.run("report", dir.toString())).isZero();
        assertThat(dir.resolve("plots/predicted-vs-actual.png")).isRegularFile();
        assertThat(dir.resolve("plots/confusion.png")).doesNotExist();
        assertDrawn(dir.resolve("plots/predicted-vs-actual.png"));
        assertThat(StreamTrainCli.run("report", dir.resolve("missing.json").toString())).isEqualTo(2);
        assertThat(report).isRegularFile();
    }

    /** A PNG of the plot size with more than a handful of colours: something was drawn. */
    private static void assertDrawn(Path png) throws Exception {
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(900);
        assertThat(image.getHeight()).isEqualTo(560);
        Set<Integer> colours = new HashSet<>();
        for (int x = 0; x < image.getWidth(); x += 7) {
            for (int y = 0; y < image.getHeight(); y += 7) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertThat(colours).as("colours in %s", png).hasSizeGreaterThan(5);
    }

    private static RunReport report(boolean classification) {
        List<RunReport.ProgressPoint> progress = new ArrayList<>();
        for (int step = 10; step <= 500; step += 10) {
            progress.add(new RunReport.ProgressPoint(step, 1 + step / 100, 2.0 / Math.sqrt(step), 50_000));
        }
        String metric = classification ? "accuracy" : "rmse";
        List<RunReport.Evaluation> evaluations = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            double value = classification ? 0.7 + 0.05 * i : 10.0 / i;
            evaluations.add(new RunReport.Evaluation("e00" + i, i, 100L * i, i == 5, 300, Map.of(metric, value),
                    i % 2 == 1 ? "PROMOTED" : "REJECTED", "a reason",
                    new GateReport(metric, value, null, null, 0.0, List.of(), null), null, null));
        }
        RunReport.Champion champion = new RunReport.Champion("e005", 5, 500, "ab", Map.of(metric, 0.95),
                classification ? List.of("a", "b", "c") : null,
                classification ? new long[][] {{90, 5, 1}, {3, 80, 2}, {0, 4, 15}} : null, null);
        List<double[]> predicted = new ArrayList<>();
        if (!classification) {
            for (int i = 0; i < 200; i++) {
                predicted.add(new double[] {i, i + Math.sin(i) * 5});
            }
        }
        return new RunReport("plots", "spec.yaml", "data.csv", "kafka", "work", new RunReport.Records(10, 9, 1),
                Map.of(), List.of(), new RunReport.Batches(10, 2), 5000, 5, evaluations, champion, null, null,
                Map.of(), null, 1.0, progress, predicted);
    }
}
