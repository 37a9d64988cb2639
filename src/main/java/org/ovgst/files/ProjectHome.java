package org.ovgst.files;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The ovgst folder (its venv, models, built loader plugin): {@code -Dovgst.home}, {@code OVGST_HOME},
 * or the folder above target/ of this code.
 */
public final class ProjectHome {
    private ProjectHome() {}

    public static Optional<Path> find() {
        for (String home : new String[] {System.getProperty("ovgst.home"), System.getenv("OVGST_HOME")}) {
            if (home != null && !home.isBlank()) {
                return Optional.of(Path.of(home));
            }
        }
        try {
            Path code = Path.of(ProjectHome.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = code; dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve(".venv"))) {
                    return Optional.of(dir);
                }
            }
        } catch (Exception e) {
            // No code source (e.g. a custom class loader): the other places still get searched.
        }
        return Optional.empty();
    }

    /** The ovgst folder, or the current one when it is not known. */
    public static Path orCurrent() {
        return find().orElse(Path.of("")).toAbsolutePath();
    }
}
