package dev.traffic.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository root from the deploy-tests module (surefire runs in the module dir). */
final class Repo {
    private Repo() {}

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("docker"))) dir = dir.getParent();
        if (dir == null) throw new IllegalStateException("no docker/ above " + Path.of("").toAbsolutePath());
        return dir;
    }

    static Path docker() {
        return root().resolve("docker");
    }
}
