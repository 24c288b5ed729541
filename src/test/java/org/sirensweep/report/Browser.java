package org.sirensweep.report;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's chromium, headless, driven through its chromedriver (both from PATH; the build installs them), with the
 * page's console kept so a test can demand that it is clean.
 */
final class Browser implements AutoCloseable {
    private final ChromeDriver driver;

    Browser(Path profile) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(executable("chromium"));
        // As root, in a sandbox-less container, on a machine without a network: no sandbox, no background traffic.
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1400,1000",
                "--user-data-dir=" + Files.createDirectories(profile));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(executable("chromedriver")))
                .build();
        driver = new ChromeDriver(service, options);
    }

    /** Opens {@code page} and waits until its script has built the table. */
    void open(Path page) {
        driver.get(page.toUri().toString());
        awaitTrue("window.report && window.report.draws > 0", Duration.ofSeconds(30));
    }

    /** Runs {@code script} in the page and returns its value. */
    Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    /** Waits until {@code expression} is true in the page; fails naming it after {@code timeout}. */
    void awaitTrue(String expression, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!Boolean.TRUE.equals(js("try { return !!(" + expression + "); } catch (e) { return false; }"))) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not true after " + timeout.toSeconds() + " s: " + expression);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** The console's warnings and errors since the last call. */
    List<String> consoleProblems() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogEntry::toString)
                .toList();
    }

    ChromeDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        driver.quit();
    }

    private static String executable(String name) {
        return Stream.of(System.getenv("PATH").split(File.pathSeparator))
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst()
                .map(Path::toString)
                .orElseThrow(() -> new IllegalStateException(name + " is not on PATH; the build installs it "
                        + "(src/test/browser/browser-env), or: apt-get install chromium chromium-driver"));
    }
}
