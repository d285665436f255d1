package dev.traffic.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/** Reads a password from {@code --password-file} (first line) or, on a terminal, asks twice. Never echoes or logs it. */
final class Passwords {
    private Passwords() {}

    /** A new password (asked twice), or null when neither a file nor a terminal is available. */
    static char[] read(Path file, String purpose) {
        if (file != null) return fromFile(file);
        Console console = System.console();
        if (console == null) return null;
        char[] first = console.readPassword("Password for %s: ", purpose);
        char[] second = console.readPassword("Repeat the password: ");
        if (first == null || second == null) throw new UsageException("no password entered");
        boolean same = Arrays.equals(first, second);
        Arrays.fill(second, '\0');
        if (!same) {
            Arrays.fill(first, '\0');
            throw new UsageException("the passwords do not match; nothing was written");
        }
        if (first.length == 0) throw new UsageException("the password is empty; nothing was written");
        return first;
    }

    /** An existing password (asked once), or null without a terminal. */
    static char[] ask(String purpose) {
        Console console = System.console();
        if (console == null) return null;
        char[] pw = console.readPassword("Password for %s: ", purpose);
        if (pw == null) throw new UsageException("no password entered");
        return pw;
    }

    static char[] fromFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageException(file + ": no such password file");
        } catch (AccessDeniedException e) {
            throw new UsageException(file + ": permission denied (password file)");
        } catch (IOException e) {
            throw new UsageException(file + ": cannot read the password file (" + e.getMessage() + ")");
        }
        int nl = text.indexOf('\n');
        String line = nl >= 0 ? text.substring(0, nl) : text;
        if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
        if (line.isEmpty()) throw new UsageException(file + ": the password file is empty (the first line is the password)");
        return line.toCharArray();
    }
}
