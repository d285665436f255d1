package dev.traffic.detect.internal;

/**
 * The ISO-8859-1 decoding of a byte array as a {@link CharSequence} (one char per byte, indexes
 * line up), without copying: lets the quiet test and its helpers read a JSON string's bytes before
 * any String is built. Reads the caller's array, which must not change while the view is used.
 */
final class Latin1View implements CharSequence {
    private final byte[] b;

    Latin1View(byte[] b) {
        this.b = b;
    }

    /** The viewed array (not a copy). */
    byte[] bytes() {
        return b;
    }

    @Override
    public int length() {
        return b.length;
    }

    @Override
    public char charAt(int i) {
        return (char) (b[i] & 0xff);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new String(b, start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
