package dev.traffic.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.traffic.store.internal.FlowJsonWriter;
import dev.traffic.store.internal.IsoInstant;
import dev.traffic.model.Flow;
import dev.traffic.model.Header;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The one JSON form of a {@link Flow}: used inside journal records and by {@code -o json} /
 * {@code export --format ndjson}. Times are ISO-8601 strings, bodies base64 ({@code recorded}).
 * Written by {@link FlowJsonWriter} (streaming, hand-written), read by the databind mapper.
 * Thread-safe (Jackson mappers are).
 */
public final class FlowJson {
    private static final ObjectMapper MAPPER = newMapper();

    private FlowJson() {}

    /** A mapper that knows {@link Instant} (as ISO text) and ignores unknown properties. */
    public static ObjectMapper newMapper() {
        SimpleModule time = new SimpleModule("instant-iso");
        // exactly Instant.toString()/parse, without the general formatter (see IsoInstant)
        time.addSerializer(Instant.class, new JsonSerializer<>() {
            @Override
            public void serialize(Instant v, JsonGenerator g, SerializerProvider p) throws IOException {
                char[] buf = new char[40];
                g.writeString(buf, 0, IsoInstant.format(v, buf));
            }
        });
        time.addDeserializer(Instant.class, new JsonDeserializer<>() {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext c) throws IOException {
                if (p.currentToken() == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                    return IsoInstant.parse(java.nio.CharBuffer.wrap(p.getTextCharacters(), p.getTextOffset(), p.getTextLength()));
                }
                return Instant.parse(p.getValueAsString());
            }
        });
        // the most frequent object in a flow record: written and read without reflection
        time.addSerializer(Header.class, new JsonSerializer<>() {
            @Override
            public void serialize(Header h, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeStartObject();
                g.writeStringField("name", h.name());
                g.writeStringField("value", h.value());
                g.writeEndObject();
            }
        });
        time.addDeserializer(Header.class, new JsonDeserializer<>() {
            @Override
            public Header deserialize(JsonParser p, DeserializationContext c) throws IOException {
                if (p.currentToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                    return (Header) c.handleUnexpectedToken(Header.class, p);
                }
                String name = null;
                String value = null;
                for (String f; (f = p.nextFieldName()) != null; ) {
                    p.nextToken();
                    if (f.equals("name")) name = p.getValueAsString();
                    else if (f.equals("value")) value = p.getValueAsString();
                    else p.skipChildren();
                }
                if (name == null || value == null) {
                    return (Header) c.reportInputMismatch(Header.class, "header without name or value");
                }
                return new Header(name, value);
            }
        });
        ObjectMapper m = new ObjectMapper();
        // empty lists and empty bodies are left out: the model's constructors read them back as
        // List.of() and Body.EMPTY, and a metadata-only flow record shrinks by a third
        m.configOverride(java.util.List.class).setInclude(
                com.fasterxml.jackson.annotation.JsonInclude.Value.construct(
                        com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY,
                        com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS));
        m.configOverride(dev.traffic.model.Body.class).setInclude(
                com.fasterxml.jackson.annotation.JsonInclude.Value.construct(
                        com.fasterxml.jackson.annotation.JsonInclude.Include.CUSTOM,
                        com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS, EmptyBody.class, null));
        return m
                .registerModule(time)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                // absent fields stay absent: smaller journal records (null and missing read back the same)
                .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);
    }

    /** Jackson value filter: true (= leave out) for an absent or empty body. */
    static final class EmptyBody {
        @Override
        public boolean equals(Object other) {
            return other == null || dev.traffic.model.Body.EMPTY.equals(other);
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** The flow as UTF-8 JSON, written by {@link FlowJsonWriter} (the same bytes as {@code mapper().writeValueAsBytes}). */
    public static byte[] toBytes(Flow flow) {
        ByteArrayBuilder out = new ByteArrayBuilder(1024);
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            FlowJsonWriter.write(g, flow);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The flow as JSON for people and tools (tail/search -o json): the record plus its absolute {@code url}. */
    public static String toJson(Flow flow) {
        java.io.StringWriter out = new java.io.StringWriter(1024);
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            FlowJsonWriter.write(g, flow, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    public static Flow fromBytes(byte[] json, int off, int len) {
        try {
            return MAPPER.readValue(json, off, len, Flow.class);
        } catch (IOException e) {
            throw new UncheckedIOException("bad flow JSON: " + e.getMessage(), e);
        }
    }

    public static Flow fromJson(String json) {
        try {
            return MAPPER.readValue(json, Flow.class);
        } catch (IOException e) {
            throw new UncheckedIOException("bad flow JSON: " + e.getMessage(), e);
        }
    }
}
