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

    /** The one wording for "there is no store here", with what to do about it. */
    public static StoreException noStore(java.nio.file.Path storeDir) {
        return new StoreException("no flow store at " + storeDir
                + " (nothing recorded yet? start 'traffic proxy', or pass --data-dir DIR of the proxy that recorded it)");
    }
}
