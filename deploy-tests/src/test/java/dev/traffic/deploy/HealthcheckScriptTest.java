package dev.traffic.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** docker/healthcheck.sh (the image's HEALTHCHECK) against a real loopback listener. */
class HealthcheckScriptTest {
    @Test
    void healthyOnlyWhenHealthzAnswers200() throws Exception {
        AtomicInteger status = new AtomicInteger(200);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        server.createContext("/healthz", ex -> {
            ex.sendResponseHeaders(status.get(), -1);
            ex.close();
        });
        server.start();
        String addr = "127.0.0.1:" + server.getAddress().getPort();
        try {
            assertThat(check(addr).exit()).isZero();
            status.set(503);
            assertThat(check(addr).exit()).isNotZero();
        } finally {
            server.stop(0);
        }
        assertThat(check(addr).exit()).as("nothing listening").isNotZero();
    }

    private static Proc.Result check(String admin) throws Exception {
        return Proc.run(Duration.ofSeconds(20), "env", "TRAFFIC_ADMIN=" + admin,
                Repo.docker().resolve("healthcheck.sh").toString());
    }
}
