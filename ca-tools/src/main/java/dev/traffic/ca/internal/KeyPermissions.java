package dev.traffic.ca.internal;

import dev.traffic.ca.CaException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Refuses to use a CA whose private key other users could read or replace: whoever holds the CA
 * key can impersonate every site to the sandbox. A key file must have no permissions for others and
 * no write permission for its group (0600, or 0440/0640 when a group is meant to read it, as the
 * Kubernetes manifests mount it); the directory holding it must not be writable by others unless
 * it is sticky (a Kubernetes Secret volume is 1777 with sticky set).
 */
public final class KeyPermissions {
    private static final boolean UNIX = FileSystems.getDefault().supportedFileAttributeViews().contains("unix");

    private KeyPermissions() {}

    public static void requirePrivate(CaFiles.Loaded l) {
        if (!UNIX) return;
        requireKey(l.keyFile());
        Path inter = l.directory().resolve(CaFiles.INTERMEDIATE_KEY);
        if (l.intermediateKey() != null && Files.exists(inter)) requireKey(inter);
        if (l.keyFile() != null && l.keyFile().getParent() != null) requireDirectory(l.keyFile().getParent());
    }

    static void requireKey(Path key) {
        if (key == null) return;
        int mode = mode(key);
        if ((mode & 0007) != 0 || (mode & 0020) != 0) {
            throw new CaException("the CA key " + key + " is " + describe(mode) + " (mode " + octal(mode)
                    + "): anyone who can read it can impersonate every site; run: chmod 600 " + key);
        }
    }

    static void requireDirectory(Path dir) {
        int mode = mode(dir);
        boolean sticky = (mode & 01000) != 0;
        if ((mode & 0002) != 0 && !sticky) {
            throw new CaException("the CA directory " + dir + " is writable by every user (mode " + octal(mode)
                    + "): anyone could replace the CA key; run: chmod 700 " + dir);
        }
    }

    private static int mode(Path p) {
        try {
            return ((Integer) Files.getAttribute(p, "unix:mode")) & 07777;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return 0;
        }
    }

    private static String describe(int mode) {
        if ((mode & 0002) != 0 || (mode & 0020) != 0) return "writable by other users";
        return "readable by other users";
    }

    private static String octal(int mode) {
        return String.format("%04o", mode);
    }
}
