package dev.traffic.ca;

import java.nio.file.Path;

/** The CA file is encrypted (an encrypted PEM key or a PKCS#12 file) and no password was given. */
public final class PasswordRequiredException extends CaException {
    private final Path file;

    public PasswordRequiredException(Path file) {
        super(file + ": the CA key is password-protected; import it once with "
                + "'traffic ca init --from " + file + " --password-file FILE'");
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
