package dev.traffic.cli;

/** A bad value the parser could not catch (e.g. an invalid host name): exit code 2. */
public class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
