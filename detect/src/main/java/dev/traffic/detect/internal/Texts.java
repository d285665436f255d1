package dev.traffic.detect.internal;

/** Latin-1 byte images of strings, for the byte-level prefilter loops. */
final class Texts {
    private Texts() {}

    /**
     * One byte per char (the low 8 bits), so indexes line up with the string; chars above 0xff
     * become arbitrary bytes, which is harmless because every prefilter hit is verified on the string.
     */
    @SuppressWarnings("deprecation")
    static byte[] latin1(String s) {
        byte[] b = new byte[s.length()];
        s.getBytes(0, s.length(), b, 0);
        return b;
    }
}
