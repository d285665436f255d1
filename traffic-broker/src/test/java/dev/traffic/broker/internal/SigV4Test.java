package dev.traffic.broker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.model.Body;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.Header;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The verifier and re-signer against the official aws-sig-v4-test-suite vectors. */
class SigV4Test {
    static final String KEY = "AKIDEXAMPLE";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    record Vector(String name, FlowRequest request, String authz) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Vector> vectors() throws IOException {
        List<Vector> out = new ArrayList<>();
        try (InputStream in = SigV4Test.class.getResourceAsStream("/aws-sig-v4-test-suite.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("#") || line.isBlank()) continue;
                String[] f = line.split("\t", -1);
                List<Header> hs = new ArrayList<>();
                hs.add(new Header("Host", "example.amazonaws.com"));
                hs.add(new Header("X-Amz-Date", "20150830T123600Z"));
                if (!f[3].isEmpty()) for (String h : f[3].split("\\|")) hs.add(new Header(h.substring(0, h.indexOf(':')), h.substring(h.indexOf(':') + 1)));
                String target = f[2];
                int q = target.indexOf('?');
                byte[] body = f[4].getBytes(StandardCharsets.UTF_8);
                FlowRequest r = new FlowRequest(f[1], "https", "example.amazonaws.com", 443, q < 0 ? target : target.substring(0, q),
                        q < 0 ? null : target.substring(q + 1), "HTTP/1.1", hs, new Body(body.length, null, body, false), null, null);
                out.add(new Vector(f[0], r, f[5]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void theSuitesSignatureVerifiesAndIsReproduced(Vector v) {
        FlowRequest signed = v.request().withHeaders(with(v.request().headers(), new Header("Authorization", v.authz())));
        SigV4.Auth a = SigV4.parse(v.authz());
        assertThat(a).isNotNull();
        String payload = SigV4.sha256Hex(v.request().body().recorded());
        SigV4.Mode mode = SigV4.verify(signed, a, payload, SECRET);
        assertThat(mode).as("verifies with the suite's secret").isNotNull();
        assertThat(SigV4.verify(signed, a, payload, SECRET + "x")).as("another secret does not verify").isNull();
        String sig = SigV4.sign(v.request(), a, a.signedHeaders(), payload, KEY, SECRET, mode);
        assertThat(SigV4.header(KEY, a, a.signedHeaders(), sig)).isEqualTo(v.authz());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void aChangedRequestDoesNotVerify(Vector v) {
        List<Header> hs = with(v.request().headers(), new Header("Authorization", v.authz()));
        hs.replaceAll(h -> h.name().equals("X-Amz-Date") ? new Header("X-Amz-Date", "20150830T123601Z") : h);
        SigV4.Auth a = SigV4.parse(v.authz());
        assertThat(SigV4.verify(v.request().withHeaders(hs), a, SigV4.sha256Hex(v.request().body().recorded()), SECRET)).isNull();
    }

    private static List<Header> with(List<Header> hs, Header h) {
        List<Header> out = new ArrayList<>(hs);
        out.add(h);
        return out;
    }
}
