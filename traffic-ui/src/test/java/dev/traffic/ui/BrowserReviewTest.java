package dev.traffic.ui;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole review in a real browser over a 10,000-flow store: the list, both filter languages, a
 * parse error with its caret, keyboard navigation, the decoded JSON body, the SSE and WebSocket
 * timelines, a finding with its decision trace and seal, and hostile content that stays inert.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserReviewTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    @TempDir static Path dir;
    private UiServer server;
    private Browser browser;
    private String base;

    @BeforeAll
    void start() throws Exception {
        FixtureStore.create(dir.resolve("store"), 10_000);
        server = UiServer.start(dir.resolve("store"), new InetSocketAddress("127.0.0.1", 0), UiAccess.open());
        base = "http://127.0.0.1:" + server.address().getPort();
        browser = new Browser(dir.resolve("profile"));
    }

    @AfterAll
    void stop() {
        if (browser != null) browser.close();
        if (server != null) server.close();
    }

    @AfterEach
    void nothingRan() {
        browser.assertNothingRan();
    }

    private void open(String path) {
        browser.driver.get(base + path);
    }

    private List<WebElement> listRows() {
        browser.waiting(WAIT).until(d -> d.findElement(By.tagName("body")).getAttribute("data-list-ready") != null);
        return browser.driver.findElements(By.cssSelector("#rows tr"));
    }

    private String text(String css) {
        return browser.waiting(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css))).getText();
    }

    @Test
    void listIsNewestFirstAndEveryRowIsALink() throws Exception {
        open("/");
        List<WebElement> rows = listRows();
        assertThat(rows).hasSize(100);
        assertThat(rows.get(0).getAttribute("data-seq")).isEqualTo("10009");
        assertThat(Long.parseLong(rows.get(1).getAttribute("data-seq"))).isLessThan(10009);
        assertThat(rows.get(0).findElement(By.tagName("a")).getAttribute("href")).isEqualTo(base + "/flow/fl-00009999");
        assertThat(text("#list-status")).contains("10,009 flows");
        assertThat(text("#facets")).contains("api.github.com").contains("aws-access-key");
        browser.screenshot("list.png");
        // scrolling to the end of the page loads the next one
        browser.js("var s=document.getElementById('list-scroll'); s.scrollTop=s.scrollHeight;");
        browser.waiting(WAIT).until(d -> d.findElements(By.cssSelector("#rows tr")).size() >= 200);
    }

    @Test
    void bothFilterLanguagesFindTheSameFlows() {
        open("/");
        listRows();
        WebElement q = browser.driver.findElement(By.id("q"));
        q.clear();
        q.sendKeys("host:api.github.com status:404", Keys.ENTER);
        browser.waiting(WAIT).until(d -> d.getCurrentUrl().contains("q=host%3Aapi.github.com"));
        browser.waiting(WAIT).until(d -> text("#list-status").contains("fields query"));
        String fields = text("#list-status");
        List<WebElement> rows = listRows();
        assertThat(rows).isNotEmpty().allSatisfy(r -> assertThat(r.getText()).contains("api.github.com").contains("404"));
        q = browser.driver.findElement(By.id("q"));
        q.clear();
        q.sendKeys("~d api.github.com & ~c 404", Keys.ENTER);
        browser.waiting(WAIT).until(d -> text("#list-status").contains("mitmproxy filter"));
        assertThat(text("#list-status").split(" ")[0]).isEqualTo(fields.split(" ")[0]);
        assertThat(listRows()).allSatisfy(r -> assertThat(r.getText()).contains("api.github.com").contains("404"));
        // the filter is in the URL: the view can be shared
        String shared = browser.driver.getCurrentUrl();
        open("/");
        browser.driver.get(shared);
        browser.waiting(WAIT).until(d -> text("#list-status").contains("mitmproxy filter"));
        assertThat(browser.driver.findElement(By.id("q")).getAttribute("value")).isEqualTo("~d api.github.com & ~c 404");
    }

    @Test
    void aBadFilterShowsTheErrorWithACaret() {
        open("/?q=" + java.net.URLEncoder.encode("host:api.github.com AND (", java.nio.charset.StandardCharsets.UTF_8));
        String err = text("#query-error");
        assertThat(err).contains("bad query").contains("host:api.github.com AND (").contains("^");
    }

    @Test
    void keyboardOpensAFlowAndEscapeReturns() {
        open("/");
        List<WebElement> rows = listRows();
        String second = rows.get(1).getAttribute("data-id");
        WebElement body = browser.driver.findElement(By.tagName("body"));
        body.sendKeys("j");
        body.sendKeys("j");
        body.sendKeys(Keys.ENTER);
        browser.waiting(WAIT).until(d -> d.getCurrentUrl().endsWith("/flow/" + second));
        browser.waiting(WAIT).until(d -> second.equals(d.findElement(By.tagName("body")).getAttribute("data-detail-ready")));
        browser.driver.findElement(By.tagName("body")).sendKeys(Keys.ESCAPE);
        browser.waiting(WAIT).until(d -> d.getCurrentUrl().equals(base + "/"));
        body = browser.driver.findElement(By.tagName("body"));
        body.sendKeys("/");
        assertThat(browser.driver.switchTo().activeElement().getAttribute("id")).isEqualTo("q");
    }

    private void detail(String id) {
        open("/flow/" + id);
        browser.waiting(WAIT).until(d -> id.equals(d.findElement(By.tagName("body")).getAttribute("data-detail-ready")));
    }

    @Test
    void jsonBodyIsDecodedAndPretty() throws Exception {
        detail("fx-json");
        WebElement b = browser.driver.findElement(By.id("response-body"));
        assertThat(b.getAttribute("data-kind")).isEqualTo("json");
        assertThat(b.getText()).contains("\"greeting\" : \"hello-json-fixture\"").contains("content-encoding gzip (decoded)");
        assertThat(text("#detail-view")).contains("✔ verified");
        browser.js("document.getElementById('seal-mark').scrollIntoView()");
        browser.screenshot("detail.png");
    }

    @Test
    void sseEventsAreATimeline() {
        detail("fx-sse");
        List<WebElement> evs = browser.driver.findElements(By.cssSelector("#sse-timeline .ev"));
        assertThat(evs).hasSize(3);
        assertThat(evs.get(0).getText()).contains("progress").contains("step-one");
        assertThat(evs.get(2).getText()).contains("id=3").contains("done-sse-fixture");
    }

    @Test
    void webSocketMessagesAreATimeline() {
        detail("fx-ws");
        List<WebElement> evs = browser.driver.findElements(By.cssSelector("#ws-timeline .ev"));
        assertThat(evs).hasSize(4);
        assertThat(evs.get(0).getText()).contains("client to server").contains("ws-hello-fixture");
        assertThat(evs.get(1).getText()).contains("server to client").contains("ws-reply-fixture");
        assertThat(evs.get(2).getText()).contains("<script>window." + FixtureStore.SENTINEL + "=1</script>");
        assertThat(evs.get(3).getText()).contains("00 01 02 ff");
    }

    @Test
    void aFindingShowsWhereAndItsFingerprintWithTheDecisionTrace() {
        open("/?q=flag:true");
        List<WebElement> rows = listRows();
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getText()).contains("critical:aws-access-key").contains("block");
        rows.get(0).findElement(By.tagName("a")).click();
        browser.waiting(WAIT).until(d -> "fx-finding".equals(d.findElement(By.tagName("body")).getAttribute("data-detail-ready")));
        assertThat(text("#findings")).contains("aws-access-key").contains("body-form:note").contains("sha256:3f2a9c1d AKIA…WXYZ");
        assertThat(text("#trace")).contains("inspection").contains("block").contains("credential sent to an unknown host");
        assertThat(text("#request-body")).contains("note").contains("hello world"); // form body decoded
    }

    @Test
    void recordedMarkupStaysText() {
        for (String id : List.of("fx-xss-html", "fx-xss-svg", "fx-xss-json", "fx-ws")) {
            detail(id);
            browser.assertNothingRan();
            assertThat((Long) browser.js("return document.querySelectorAll('#detail-view script, #detail-view svg, #detail-view iframe, #detail-view img').length"))
                    .isZero();
        }
        detail("fx-xss-html");
        String page = text("#detail-view");
        assertThat(page).contains("<script>window." + FixtureStore.SENTINEL + "=1;alert(1)</script>")
                .contains("onerror=\"window." + FixtureStore.SENTINEL + "=1\"")
                .contains("javascript:window." + FixtureStore.SENTINEL + "=1");
        // no link anywhere points at a javascript: URL
        assertThat((Long) browser.js("return Array.from(document.querySelectorAll('a')).filter(a => !a.href.startsWith(location.origin + '/')).length")).isZero();
        open("/?q=host:xss.fixture.test");
        assertThat(listRows()).hasSize(3);
        browser.assertNothingRan();
        detail("fx-image");
        // a raster image is previewed from its own sandboxed URL, and it decodes
        browser.waiting(WAIT).until(d -> (Boolean) browser.js("var i=document.querySelector('#response-body img'); return i != null && i.complete && i.naturalWidth === 1"));
    }
}
