package dev.traffic.cli;

/**
 * Every exit status of every {@code traffic} command (docs/reference/exit-codes.md is this table).
 * A command that cannot do its job exits {@link #ERROR}, never the status that means "the answer is
 * no", so a script can tell "found a leak" from "could not read the file".
 */
public final class ExitCodes {
    private ExitCodes() {}

    /** The command did what was asked, and (scan, verify, doctor) found nothing wrong. */
    public static final int OK = 0;
    /** A definite negative answer: scan found findings, verify found damage, doctor a failed check. */
    public static final int FOUND = 1;
    /** The command line is wrong: an unknown or malformed option, a bad query, policy file or value. */
    public static final int USAGE = 2;
    /** The command could not do its job: an I/O error, an unreadable file or store, a port in use. */
    public static final int ERROR = 3;
}
