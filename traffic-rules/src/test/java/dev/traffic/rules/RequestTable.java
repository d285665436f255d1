package dev.traffic.rules;

import dev.traffic.model.Header;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The request table (request-table.txt): one request and the rule expected to decide it per line. */
public final class RequestTable {
    /** One row; {@code expected} is a rule name or "-" (no rule matched). */
    public record Row(int line, String method, URI url, List<Header> headers, byte[] body, String expected) {
        public String host() {
            return url.getHost();
        }

        public int port() {
            return url.getPort() > 0 ? url.getPort() : url.getScheme().equals("https") ? 443 : 80;
        }

        @Override
        public String toString() {
            return "line " + line + ": " + method + " " + url + " " + headers + " => " + expected;
        }
    }

    private RequestTable() {}

    public static String policy() throws IOException {
        return resource("table-policy.yaml");
    }

    public static List<Row> rows() throws IOException {
        List<Row> out = new ArrayList<>();
        int n = 0;
        for (String l : resource("request-table.txt").split("\n")) {
            n++;
            if (l.isBlank() || l.startsWith("#")) continue;
            int arrow = l.lastIndexOf("=>");
            String expected = l.substring(arrow + 2).trim();
            String[] parts = l.substring(0, arrow).split("\\|");
            String[] req = parts[0].trim().split(" ", 2);
            List<Header> hs = new ArrayList<>();
            byte[] body = new byte[0];
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim();
                int c = p.indexOf(':');
                String name = p.substring(0, c).trim();
                String value = p.substring(c + 1).trim();
                if (name.equals("body")) body = value.getBytes(StandardCharsets.UTF_8);
                else hs.add(new Header(name, value));
            }
            out.add(new Row(n, req[0], URI.create(req[1].trim()), hs, body, expected));
        }
        return out;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = RequestTable.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
