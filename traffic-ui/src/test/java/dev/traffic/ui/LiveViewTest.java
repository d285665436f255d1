package dev.traffic.ui;

import com.sun.net.httpserver.HttpServer;
import dev.traffic.proxy.ProxyConfig;
import dev.traffic.proxy.ProxyServer;
import dev.traffic.store.FlowStore;
import dev.traffic.store.StoreOptions;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code proxy --ui}: a flow made through a running proxy shows up in an open list within a second, without moving the reader's scroll position. */
class LiveViewTest {
    @TempDir Path dir;

    @Test
    void aFlowThroughTheProxyAppearsWithinOneSecondAndTheScrollPositionHolds() throws Exception {
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        upstream.createContext("/", ex -> {
            byte[] b = "hello-live".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        upstream.start();
        FlowStore store = FlowStore.open(dir.resolve("store"), StoreOptions.defaults());
        ProxyServer proxy = ProxyServer.start(ProxyConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0)).sink(store).build());
        HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(proxy.address())).build();
        String up = "http://127.0.0.1:" + upstream.getAddress().getPort();
        // enough earlier flows that the list scrolls
        for (int i = 0; i < 120; i++) {
            assertThat(client.send(HttpRequest.newBuilder(URI.create(up + "/earlier/" + i)).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
        store.flush();
        UiServer ui = UiServer.start(dir.resolve("store"), new InetSocketAddress("127.0.0.1", 0), UiAccess.open());
        try (Browser browser = new Browser(dir.resolve("profile"))) {
            browser.driver.get("http://127.0.0.1:" + ui.address().getPort() + "/");
            browser.waiting(Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector("#rows tr")).size() == 100);
            browser.js("document.getElementById('list-scroll').scrollTop = 600;");
            String topSeq = topVisibleSeq(browser);
            assertThat(topSeq).isNotNull();

            String path = "/live/" + System.nanoTime();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(up + path)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).isEqualTo("hello-live");
            Instant answered = Instant.now();
            // one cheap script call per poll, so the deadline measures the UI, not WebDriver round trips
            browser.waiting(Duration.ofSeconds(1)).until(d -> (Boolean) browser.js(
                    "var tr=document.querySelector('#rows tr'); return tr != null && tr.textContent.indexOf(arguments[0]) >= 0;", path));
            Object at = browser.js("return Number(document.body.getAttribute('data-live-at'));");
            System.out.println("live view showed the new flow " + (((Number) at).longValue() - answered.toEpochMilli())
                    + " ms after the client had its response");
            assertThat(browser.driver.findElement(By.cssSelector("#rows tr")).getText()).contains(path); // newest first
            assertThat(topVisibleSeq(browser)).isEqualTo(topSeq); // what the reader looked at did not move
            browser.assertNothingRan();
        } finally {
            ui.close();
            proxy.close();
            store.close();
            upstream.stop(0);
        }
    }

    private static String topVisibleSeq(Browser b) {
        return (String) b.js("var s=document.getElementById('list-scroll').getBoundingClientRect();"
                + "var e=document.elementFromPoint(s.left+20, s.top+40); var tr=e && e.closest('tr'); return tr ? tr.getAttribute('data-seq') : null;");
    }
}
