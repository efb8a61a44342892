package io.streamae.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium driven by Selenium through the system's chromedriver (Debian's {@code
 * chromium} and {@code chromium-driver}; {@code .ci/run} installs them). Paths are given
 * explicitly, so Selenium Manager never downloads anything; a missing browser fails the test with
 * the command that installs it. A fresh profile directory per browser; without the
 * background-networking flags Chromium reaches out and a closed network refuses it.
 *
 * <pre>{@code
 * try (HeadlessChromium browser = HeadlessChromium.start(1600, 1300)) {
 *   browser.driver().get(url);
 *   browser.screenshot(Path.of("target/page.png"));
 * }
 * }</pre>
 */
public final class HeadlessChromium implements AutoCloseable {
  public static final Path BROWSER =
      Path.of(System.getProperty("streamae.chromium", "/usr/bin/chromium"));
  public static final Path DRIVER =
      Path.of(System.getProperty("streamae.chromedriver", "/usr/bin/chromedriver"));

  private final ChromeDriver driver;
  private final Path profile;

  private HeadlessChromium(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  public static HeadlessChromium start(int width, int height) throws IOException {
    for (Path required : new Path[] {BROWSER, DRIVER}) {
      if (!Files.isExecutable(required)) {
        throw new IllegalStateException(
            String.format(
                "%s is missing: the browser tests need Chromium and its driver"
                    + " (apt-get update && apt-get install -y chromium chromium-driver; .ci/run does this)",
                required));
      }
    }
    Path profile = Files.createTempDirectory("streamae-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
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
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--user-data-dir=" + profile,
        String.format("--window-size=%d,%d", width, height));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    return new HeadlessChromium(driver, profile);
  }

  public ChromeDriver driver() {
    return driver;
  }

  /** Saves a PNG of the viewport. */
  public void screenshot(Path png) throws IOException {
    File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Files.createDirectories(png.toAbsolutePath().getParent());
    Files.copy(shot.toPath(), png, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
