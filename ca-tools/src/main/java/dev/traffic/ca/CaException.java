package dev.traffic.ca;

/**
 * A CA operation failed for a reason the user can fix (missing or unreadable file, key that does not
 * match its certificate, a file that exists already). The message names the file or value.
 */
public class CaException extends RuntimeException {
    public CaException(String message) {
        super(message);
    }

    public CaException(String message, Throwable cause) {
        super(message, cause);
    }
}
