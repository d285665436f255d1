package dev.traffic.rules;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.Deflater;

/** Builds receive-pack request bodies by hand: pkt-line commands and a pack of commit objects. */
final class GitPushes {
    static final String ZERO = "0".repeat(40);
    static final String TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

    private GitPushes() {}

    static String commitText(String parent, String msg) {
        return "tree " + TREE + "\n" + (parent == null ? "" : "parent " + parent + "\n")
                + "author A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\n" + msg + "\n";
    }

    static String id(String commitText) throws Exception {
        byte[] c = commitText.getBytes(StandardCharsets.UTF_8);
        MessageDigest md = MessageDigest.getInstance("SHA-1");
        md.update(("commit " + c.length + "\0").getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(md.digest(c));
    }

    static byte[] pkt(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return (String.format("%04x", b.length + 4) + s).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Commands (each "old new ref"), flush, then a pack of the given commit texts. */
    static byte[] body(String[] commands, String... commits) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < commands.length; i++) {
            out.write(pkt(commands[i] + (i == 0 ? "\0report-status side-band-64k object-format=sha1 agent=git/2.39" : "") + "\n"));
        }
        out.write("0000".getBytes(StandardCharsets.US_ASCII));
        if (commits.length > 0) out.write(pack(commits));
        return out.toByteArray();
    }

    static byte[] pack(String... commits) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("PACK".getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[] {0, 0, 0, 2});
        int n = commits.length;
        out.write(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        for (String c : commits) {
            byte[] data = c.getBytes(StandardCharsets.UTF_8);
            long size = data.length;
            int first = (1 << 4) | (int) (size & 15);
            size >>>= 4;
            out.write(size > 0 ? first | 0x80 : first);
            while (size > 0) {
                int b = (int) (size & 0x7f);
                size >>>= 7;
                out.write(size > 0 ? b | 0x80 : b);
            }
            Deflater d = new Deflater();
            d.setInput(data);
            d.finish();
            byte[] buf = new byte[data.length + 64];
            int len = d.deflate(buf);
            d.end();
            out.write(buf, 0, len);
        }
        out.write(new byte[20]); // trailer (not checked)
        return out.toByteArray();
    }
}
