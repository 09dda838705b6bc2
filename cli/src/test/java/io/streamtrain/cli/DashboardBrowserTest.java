package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamtrain.cli.local.LocalServices;
import io.streamtrain.cli.run.DatasetPublisher;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.TopicAdmin;
import io.streamtrain.testing.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in a real browser during a pipeline run: the four packaged services on a real broker train on
 * iris while headless Chromium (Debian's chromium and chromedriver, driven by Selenium) shows the dashboard; the
 * record counts, the loss and metric curves and the champion appear, the evaluation count goes up while the page
 * stays open (server-sent events), and a screenshot is saved as {@code target/dashboard.png}. Skipped where
 * Chromium or its driver is not installed ({@code .ci/run} installs them).
 */
class DashboardBrowserTest {

    private static final Path IRIS = Path.of("src/test/resources/iris");
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    private static final Path DRIVER = Path.of(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver"));

    @TempDir
    Path work;

    @Test
    void theCurvesAndTheChampionAppearAndUpdateWhileTheRunGoesOn() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "Chromium (" + CHROMIUM + ") or chromedriver (" + DRIVER + ") is not installed; the dashboard's"
                        + " browser test is skipped");
        String bootstrap = EmbeddedKafka.shared().bootstrapServers();
        KafkaSettings kafka = new KafkaSettings(bootstrap);
        TopicAdmin.ensureTopics(kafka, 1);
        Path spec = Files.writeString(work.resolve("dashboard.yaml"), Files.readString(IRIS.resolve("pipeline.yaml"))
                .replace("pipeline: iris-e2e", "pipeline: iris-dashboard").replace("epochs: 40", "epochs: 300")
                .replace("checkpointEvery: 1000", "checkpointEvery: 10"));

        try (LocalServices services = LocalServices.start(Home.locate(), LocalServices.NAMES, spec, bootstrap, work,
                Duration.ofSeconds(180), LocalServices.DEFAULT_JVM_OPTIONS)) {
            new DatasetPublisher(kafka, "iris-dashboard").publish(IRIS.resolve("iris-dirty.csv"));
            WebDriver browser = chrome();
            try {
                browser.get("http://127.0.0.1:" + services.ports().get("evaluator-service") + "/dashboard");
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    assertThat(text(browser, "pipeline")).isEqualTo("iris-dashboard");
                    assertThat(text(browser, "records-accepted")).isEqualTo("150");
                    assertThat(text(browser, "records-rejected")).isEqualTo("6");
                    assertThat(text(browser, "champion-checkpoint")).startsWith("e0");
                    assertThat(browser.findElements(By.cssSelector("#loss-chart canvas"))).isNotEmpty();
                    assertThat(browser.findElements(By.cssSelector("#metric-chart canvas"))).isNotEmpty();
                    assertThat(browser.findElements(By.cssSelector("#records-chart canvas"))).isNotEmpty();
                    assertThat(browser.findElements(By.cssSelector("#champion-picture table.matrix td")))
                            .hasSizeGreaterThan(9);
                    assertThat(text(browser, "connection")).isEqualTo("live");
                });
                long evaluations = Long.parseLong(text(browser, "evaluation-count").replace(",", ""));
                // The page is not reloaded: new evaluations arrive as server-sent events.
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() ->
                        Long.parseLong(text(browser, "evaluation-count").replace(",", "")) > evaluations);
                assertThat(browser.findElements(By.cssSelector("#verdicts tbody tr"))).isNotEmpty();
                // A regression champion's residual plot, drawn by the page's own code in the same browser.
                Object svg = ((JavascriptExecutor) browser).executeScript("return residualPlot({mean: 0.4, std: 2.0,"
                        + " p05: -3.1, p50: 0.2, p95: 3.5, maxAbs: 9.0}).outerHTML;");
                assertThat(String.valueOf(svg)).startsWith("<svg").contains("<rect", "<circle", ">9.00<", ">-9.00<");
                Path screenshot = Path.of("target/dashboard.png");
                Files.write(screenshot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
                assertThat(Files.size(screenshot)).isGreaterThan(10_000);
            } finally {
                browser.quit();
            }
        }
    }

    private static String text(WebDriver browser, String id) {
        return browser.findElement(By.id(id)).getText().strip();
    }

    private WebDriver chrome() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Headless and without the background traffic that this machine's closed network refuses.
        options.addArguments(List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1400,2400", "--user-data-dir=" + work.resolve("chromium-profile")));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
