package io.streamtrain.cli.run;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The pictures of a run, drawn with JFreeChart from its {@link RunReport}. Out, as PNG files in a directory:
 * {@code loss.png} (training loss over steps), {@code metric.png} (the gate's metric of every evaluation over
 * steps, the promoted ones marked), and {@code confusion.png} (the champion's confusion matrix, classification) or
 * {@code predicted-vs-actual.png} (regression). A plot without data is left out.
 */
public final class RunPlots {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;

    private RunPlots() {
    }

    /** Writes the plots into {@code dir}; returns the files written. */
    public static List<Path> write(RunReport report, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        save(loss(report), dir.resolve("loss.png"), written);
        save(metric(report), dir.resolve("metric.png"), written);
        save(confusion(report), dir.resolve("confusion.png"), written);
        save(predictedVsActual(report), dir.resolve("predicted-vs-actual.png"), written);
        return written;
    }

    private static void save(JFreeChart chart, Path file, List<Path> written) throws IOException {
        if (chart != null) {
            chart.getXYPlot().setBackgroundPaint(Color.WHITE);
            chart.getXYPlot().setDomainGridlinePaint(Color.LIGHT_GRAY);
            chart.getXYPlot().setRangeGridlinePaint(Color.LIGHT_GRAY);
            ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
            written.add(file);
        }
    }

    private static JFreeChart loss(RunReport report) {
        if (report.progress() == null || report.progress().isEmpty()) {
            return null;
        }
        XYSeries loss = new XYSeries("training loss (mean since the previous progress event)");
        for (RunReport.ProgressPoint point : report.progress()) {
            if (Double.isFinite(point.loss())) {
                loss.add(point.step(), point.loss());
            }
        }
        JFreeChart chart = ChartFactory.createXYLineChart(report.pipeline() + ": training loss", "step", "loss",
                new XYSeriesCollection(loss), PlotOrientation.VERTICAL, true, false, false);
        chart.getXYPlot().getRenderer().setSeriesStroke(0, new BasicStroke(2f));
        return chart;
    }

    private static JFreeChart metric(RunReport report) {
        if (report.evaluations() == null || report.evaluations().isEmpty()) {
            return null;
        }
        String metric = report.evaluations().stream().map(e -> e.gate() == null ? null : e.gate().metric())
                .filter(m -> m != null).findFirst().orElse(null);
        if (metric == null) {
            return null;
        }
        XYSeries all = new XYSeries(metric + " of every checkpoint");
        XYSeries promoted = new XYSeries("promoted");
        for (RunReport.Evaluation evaluation : report.evaluations()) {
            Double value = evaluation.metrics() == null ? null : evaluation.metrics().get(metric);
            if (value == null || !Double.isFinite(value)) {
                continue;
            }
            all.add(evaluation.step(), value);
            if ("PROMOTED".equals(evaluation.verdict())) {
                promoted.add(evaluation.step(), value);
            }
        }
        XYSeriesCollection data = new XYSeriesCollection(all);
        data.addSeries(promoted);
        JFreeChart chart = ChartFactory.createXYLineChart(report.pipeline() + ": validation " + metric, "step",
                metric, data, PlotOrientation.VERTICAL, true, false, false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setSeriesLinesVisible(1, false);
        renderer.setSeriesShape(1, new java.awt.geom.Ellipse2D.Double(-6, -6, 12, 12));
        renderer.setSeriesPaint(1, new Color(0, 150, 60));
        renderer.setSeriesStroke(0, new BasicStroke(2f));
        chart.getXYPlot().setRenderer(renderer);
        ((NumberAxis) chart.getXYPlot().getRangeAxis()).setAutoRangeIncludesZero(false);
        return chart;
    }

    private static JFreeChart confusion(RunReport report) {
        RunReport.Champion champion = report.champion();
        if (champion == null || champion.confusionMatrix() == null || champion.classes() == null) {
            return null;
        }
        long[][] matrix = champion.confusionMatrix();
        int n = matrix.length;
        double[][] cells = new double[3][n * n];
        long max = 1;
        for (int actual = 0; actual < n; actual++) {
            for (int predicted = 0; predicted < n; predicted++) {
                int i = actual * n + predicted;
                cells[0][i] = predicted;
                cells[1][i] = actual;
                cells[2][i] = matrix[actual][predicted];
                max = Math.max(max, matrix[actual][predicted]);
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("count", cells);
        String[] names = champion.classes().toArray(String[]::new);
        SymbolAxis predictedAxis = new SymbolAxis("predicted class", names);
        SymbolAxis actualAxis = new SymbolAxis("actual class", names);
        actualAxis.setInverted(true);
        XYBlockRenderer renderer = new XYBlockRenderer();
        LookupPaintScale scale = new LookupPaintScale(0, max + 1.0, Color.WHITE);
        for (int step = 0; step <= 20; step++) {
            // Log-like shading so that the rare classes' cells show next to the common ones.
            double from = step == 0 ? 0 : Math.pow(max + 1.0, step / 20.0);
            int shade = 255 - (int) (step * 10.5);
            scale.add(from, step == 0 ? Color.WHITE : new Color(shade, shade, 255));
        }
        renderer.setPaintScale(scale);
        XYPlot plot = new XYPlot(data, predictedAxis, actualAxis, renderer);
        for (int i = 0; i < n * n; i++) {
            XYTextAnnotation count = new XYTextAnnotation(Long.toString((long) cells[2][i]), cells[0][i], cells[1][i]);
            count.setFont(new Font(Font.SANS_SERIF, Font.BOLD, n > 8 ? 10 : 14));
            plot.addAnnotation(count);
        }
        return new JFreeChart(report.pipeline() + ": confusion matrix of champion " + champion.checkpoint(),
                JFreeChart.DEFAULT_TITLE_FONT, plot, false);
    }

    private static JFreeChart predictedVsActual(RunReport report) {
        if (report.predictedVsActual() == null || report.predictedVsActual().isEmpty()) {
            return null;
        }
        XYSeries points = new XYSeries("validation rows");
        XYSeries diagonal = new XYSeries("predicted = actual");
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (double[] point : report.predictedVsActual()) {
            points.add(point[0], point[1]);
            low = Math.min(low, Math.min(point[0], point[1]));
            high = Math.max(high, Math.max(point[0], point[1]));
        }
        diagonal.add(low, low);
        diagonal.add(high, high);
        XYSeriesCollection data = new XYSeriesCollection(points);
        data.addSeries(diagonal);
        JFreeChart chart = ChartFactory.createScatterPlot(report.pipeline() + ": predicted against actual"
                        + (report.champion() == null ? "" : " (champion " + report.champion().checkpoint() + ")"),
                "actual", "predicted", data, PlotOrientation.VERTICAL, true, false, false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        renderer.setSeriesShape(0, new java.awt.geom.Ellipse2D.Double(-2, -2, 4, 4));
        renderer.setSeriesLinesVisible(1, true);
        renderer.setSeriesShapesVisible(1, false);
        renderer.setSeriesPaint(1, Color.GRAY);
        chart.getXYPlot().setRenderer(renderer);
        return chart;
    }
}
