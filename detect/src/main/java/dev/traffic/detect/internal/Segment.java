package dev.traffic.detect.internal;

/**
 * A piece of request text to scan: a header value, a query value, a JSON string, a decoded layer.
 * {@code encoding} is the chain of decoders that produced it ("plain", "base64", "base64>gzip").
 * {@code value} marks a whole value (a parameter, a JSON string, a decoded blob) as opposed to free
 * text, which enables fragment and entropy checks on it as a unit. {@code wire} is the literal
 * wire text that contains this segment when the segment's own text is not on the wire verbatim
 * (decoded layers), or null when it is; the redactor replaces that literal.
 */
public record Segment(String text, String location, String encoding, int depth, boolean value, String wire) {
    public static Segment literal(String text, String location, boolean value) {
        return new Segment(text, location, "plain", 0, value, null);
    }

    /** A decoded child: {@code literal} is the encoded text in this segment that produced it. */
    public Segment child(String decoded, String layer, String literal) {
        String enc = "plain".equals(encoding) ? layer : encoding + ">" + layer;
        return new Segment(decoded, location, enc, depth + 1, true, wire != null ? wire : literal);
    }

    /** Same text position semantics as this one, different text (e.g. percent-decoded view). */
    public Segment view(String decoded, String literalWire) {
        return new Segment(decoded, location, encoding, depth + 1, value, wire != null ? wire : literalWire);
    }
}
