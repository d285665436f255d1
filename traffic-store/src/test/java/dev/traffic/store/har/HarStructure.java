package dev.traffic.store.har;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

/** Checks the fields HAR 1.2 marks required, with their JSON types. */
public final class HarStructure {
    private HarStructure() {}

    public static void assertValid(JsonNode log) {
        assertThat(log.path("version").isTextual()).as("log.version").isTrue();
        assertThat(log.path("creator").path("name").isTextual()).as("creator.name").isTrue();
        assertThat(log.path("creator").path("version").isTextual()).as("creator.version").isTrue();
        assertThat(log.path("entries").isArray()).as("entries").isTrue();
        for (JsonNode e : log.get("entries")) {
            assertThat(e.path("startedDateTime").isTextual()).isTrue();
            assertThat(e.path("time").isNumber()).isTrue();
            JsonNode rq = e.path("request");
            for (String f : new String[] {"method", "url", "httpVersion"}) assertThat(rq.path(f).isTextual()).as(f).isTrue();
            for (String f : new String[] {"cookies", "headers", "queryString"}) assertThat(rq.path(f).isArray()).as(f).isTrue();
            assertThat(rq.path("headersSize").isNumber()).isTrue();
            assertThat(rq.path("bodySize").isNumber()).isTrue();
            if (rq.has("postData")) assertThat(rq.at("/postData/mimeType").isTextual()).isTrue();
            JsonNode rs = e.path("response");
            assertThat(rs.path("status").isNumber()).isTrue();
            assertThat(rs.path("statusText").isTextual()).isTrue();
            assertThat(rs.path("httpVersion").isTextual()).isTrue();
            assertThat(rs.path("cookies").isArray()).isTrue();
            assertThat(rs.path("headers").isArray()).isTrue();
            assertThat(rs.at("/content/size").isNumber()).isTrue();
            assertThat(rs.at("/content/mimeType").isTextual()).isTrue();
            assertThat(rs.path("redirectURL").isTextual()).isTrue();
            assertThat(rs.path("headersSize").isNumber()).isTrue();
            assertThat(rs.path("bodySize").isNumber()).isTrue();
            assertThat(e.path("cache").isObject()).isTrue();
            for (String f : new String[] {"send", "wait", "receive"}) assertThat(e.at("/timings/" + f).isNumber()).as(f).isTrue();
        }
    }
}
