package dev.traffic.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/** Debian's chromium driven headless by Selenium, with a fresh profile; see .ci/run for the packages. */
final class Browser implements AutoCloseable {
    final ChromeDriver driver;

    Browser(Path profile) {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(binary("/usr/bin/chromium", "/usr/lib/chromium/chromium"));
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath(),
                "--window-size=1400,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(binary("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")).toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, o);
        driver.manage().window().setSize(new Dimension(1400, 900));
    }

    private static String binary(String... candidates) {
        for (String c : candidates) if (Files.isExecutable(Path.of(c))) return c;
        throw new IllegalStateException("not installed: " + candidates[0] + " (apt-get install chromium chromium-driver)");
    }

    WebDriverWait waiting(Duration d) {
        return new WebDriverWait(driver, d, Duration.ofMillis(20));
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** No recorded content ran: the sentinel every XSS fixture would set is undefined and no dialog is open. */
    void assertNothingRan() {
        assertThat(js("return typeof window." + FixtureStore.SENTINEL)).isEqualTo("undefined");
        try {
            driver.switchTo().alert();
            throw new AssertionError("a dialog was opened by recorded content");
        } catch (NoAlertPresentException expected) {
            // good
        }
    }

    void screenshot(String name) throws java.io.IOException {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
