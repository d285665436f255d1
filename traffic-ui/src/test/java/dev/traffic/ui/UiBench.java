package dev.traffic.ui;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The UI's benchmark (run by bench/scripts/ui-perf.sh over a big fixture store): the first page of
 * the list (navigation start to rows rendered, i.e. DOMContentLoaded + data), a host filter typed
 * into the box (submit to rows rendered), a flow with a 1 MiB body (navigation start to detail
 * rendered), and the server's heap after a full GC. Prints one line per measurement.
 */
public final class UiBench {
    public static void main(String[] args) throws Exception {
        Path store = Path.of(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 11;
        long t0 = System.nanoTime();
        UiServer server = UiServer.start(store, new InetSocketAddress("127.0.0.1", 0), UiAccess.open());
        System.out.printf("server start (store open, live feed positioned): %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        String base = "http://127.0.0.1:" + server.address().getPort();
        Path profile = java.nio.file.Files.createTempDirectory("ui-bench-profile");
        try (Browser b = new Browser(profile)) {
            List<Long> first = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                b.driver.get(base + "/");
                b.waiting(Duration.ofSeconds(60)).until(d -> attr(b, "data-list-ms") != null && attr(b, "data-facets-ready") != null);
                first.add(Long.parseLong(attr(b, "data-list-ms")));
            }
            report("first page (navigation start -> 100 rows rendered)", first);
            List<Long> host = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                String h = FixtureStore.HOSTS[1 + i % (FixtureStore.HOSTS.length - 1)];
                String before = attr(b, "data-list-ready");
                long start = System.nanoTime();
                WebElement q = b.driver.findElement(By.id("q"));
                q.clear();
                q.sendKeys("host:" + h, Keys.ENTER);
                b.waiting(Duration.ofSeconds(60)).until(d -> !before.equals(attr(b, "data-list-ready")));
                long wall = (System.nanoTime() - start) / 1_000_000;
                host.add(Long.parseLong(attr(b, "data-list-load-ms")));
                b.waiting(Duration.ofSeconds(60)).until(d -> attr(b, "data-list-ready").equals(attr(b, "data-facets-ready")));
                if (i == 0) System.out.printf("  (first host filter, incl. WebDriver typing: %d ms)%n", wall);
            }
            report("host filter (submit -> rows rendered)", host);
            List<Long> detail = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                b.driver.get(base + "/flow/fx-big");
                b.waiting(Duration.ofSeconds(60)).until(d -> "fx-big".equals(attr(b, "data-detail-ready")));
                detail.add(Long.parseLong(attr(b, "data-detail-ms")));
            }
            report("1 MiB body detail (navigation start -> detail rendered)", detail);
        } finally {
            server.close();
        }
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        System.gc();
        System.out.printf("heap after GC: %d MiB used of %d MiB max%n", mem.getHeapMemoryUsage().getUsed() >> 20, mem.getHeapMemoryUsage().getMax() >> 20);
    }

    private static String attr(Browser b, String name) {
        return b.driver.findElement(By.tagName("body")).getAttribute(name);
    }

    private static void report(String what, List<Long> ms) {
        List<Long> s = new ArrayList<>(ms);
        Collections.sort(s);
        System.out.printf("%s: p50 %d ms, min %d, max %d, first %d (n=%d)%n", what, s.get(s.size() / 2), s.get(0), s.get(s.size() - 1), ms.get(0), s.size());
    }
}
