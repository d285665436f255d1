package dev.traffic.cli;

/**
 * Recorded traffic is hostile: an agent controls header names and values, URLs, bodies, WebSocket
 * text and error strings, and a terminal obeys control sequences in them (clear the screen, move the
 * cursor up over an earlier BLOCKED line in a running {@code tail -f}, set the title, write the
 * clipboard with OSC 52). Every piece of recorded text printed for a person goes through here: C0
 * controls, DEL and C1 controls (U+0080-U+009F, which some terminals take as 8-bit CSI/OSC) become
 * visible {@code \xHH} escapes. A backslash is left as is: the escapes are for reading, not parsing.
 */
final class TerminalText {
    private TerminalText() {}

    /** One line of text: every control, including CR, LF and TAB, escaped. Null stays null. */
    static String field(String s) {
        return escape(s, false);
    }

    /** A block (a body, a message): LF and TAB kept, CRLF shown as LF, every other control escaped. */
    static String block(String s) {
        return escape(s, true);
    }

    /**
     * JSON text from Jackson (which already escapes C0 inside strings): DEL and C1 controls, which it
     * leaves raw, become {@code \\u00XX}. They can only occur inside JSON strings, so the result is
     * the same JSON value.
     */
    static String json(String s) {
        if (s == null || clean(s, false)) return s;
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0x7f || (c >= 0x80 && c <= 0x9f)) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }

    private static boolean isControl(char c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f);
    }

    private static boolean clean(String s, boolean c0Allowed) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c0Allowed ? (c == 0x7f || (c >= 0x80 && c <= 0x9f)) : isControl(c)) return false;
        }
        return true;
    }

    private static String escape(String s, boolean block) {
        if (s == null) return null;
        boolean any = false;
        for (int i = 0; i < s.length() && !any; i++) any = isControl(s.charAt(i));
        if (!any) return s;
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (block && (c == '\n' || c == '\t')) {
                b.append(c);
            } else if (block && c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                // CRLF line ends are ordinary in HTTP bodies; the LF is kept on the next turn
            } else if (isControl(c)) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
