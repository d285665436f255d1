package dev.traffic.detect.internal;

/** Latin-1 byte images of strings, for the byte-level prefilter loops. */
final class Texts {
    private Texts() {}

    /**
     * One byte per char (the low 8 bits), so indexes line up with the string; chars above 0xff
     * become arbitrary bytes, which is harmless because every prefilter hit is verified on the string.
     */
    /**
     * {@code s.toLowerCase(Locale.ROOT)}, {@code s} itself when nothing changes (as that method
     * answers): a text of ASCII chars none of which is an upper-case letter (host names, content
     * types) is told by one table-free loop instead of the per-char case lookups.
     */
    static String lowerCase(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if ((c >= 'A' && c <= 'Z') || c >= 0x80) return s.toLowerCase(java.util.Locale.ROOT);
        }
        return s;
    }

    @SuppressWarnings("deprecation")
    static byte[] latin1(String s) {
        byte[] b = new byte[s.length()];
        s.getBytes(0, s.length(), b, 0);
        return b;
    }
}
