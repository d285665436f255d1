package dev.traffic.store;

import java.io.IOException;

/** A store that cannot be opened or read as asked; the message names the file or value. */
public class StoreException extends IOException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
