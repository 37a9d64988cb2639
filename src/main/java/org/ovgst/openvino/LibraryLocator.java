package org.ovgst.openvino;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.ovgst.files.ProjectHome;

/**
 * Finds {@code libopenvino_c} without configuration. The library is loaded where it lies, because
 * OpenVINO finds its frontends and device plugins relative to {@code libopenvino.so}.
 *
 * <p>Order: {@code -Dovgst.openvino.lib} or {@code OPENVINO_LIB} (a file or a folder), the project's
 * own {@code .venv}, any Python {@code openvino} package on the interpreter's path, the standard
 * install folders, and last the system linker path.
 */
final class LibraryLocator {
    static final String PIP_PIN = "openvino==2026.4.1";
    private static final String LIBRARY_PREFIX = "libopenvino_c.so";

    /** Where the library was found, or every place that was searched. */
    record Result(Optional<Path> library, List<String> searched) {}

    private final List<String> searched = new ArrayList<>();

    static Result locate() {
        LibraryLocator locator = new LibraryLocator();
        return new Result(locator.find(), List.copyOf(locator.searched));
    }

    private Optional<Path> find() {
        String explicit = firstNonBlank(System.getProperty("ovgst.openvino.lib"), System.getenv("OPENVINO_LIB"));
        if (explicit != null) {
            Path path = Path.of(explicit);
            searched.add(path + " (from -Dovgst.openvino.lib / OPENVINO_LIB)");
            // An explicit choice that is wrong must fail, not quietly fall back to another runtime.
            return Files.isDirectory(path) ? inFolder(path) : Optional.of(path).filter(Files::isRegularFile);
        }
        for (Path folder : candidateFolders()) {
            Optional<Path> found = inFolder(folder);
            if (found.isPresent()) {
                return found;
            }
        }
        searched.add("the system linker path (dlopen \"" + LIBRARY_PREFIX + "\")");
        return Optional.empty();
    }

    private Set<Path> candidateFolders() {
        Set<Path> folders = new LinkedHashSet<>();
        Optional<Path> home = ProjectHome.find();
        if (home.isPresent()) {
            List<Path> venv = sitePackagesOpenVino(home.get().resolve(".venv"));
            if (venv.isEmpty()) {
                searched.add(home.get().resolve(".venv") + " (the ovgst folder's; it has no OpenVINO: ./ovgst setup makes it)");
            }
            folders.addAll(venv);
        } else {
            searched.add("the ovgst folder's .venv: the folder is not known; set OVGST_HOME to it"
                    + " (eval \"$(<ovgst folder>/ovgst env)\" exports it) or -Dovgst.home");
        }
        String virtualEnv = System.getenv("VIRTUAL_ENV");
        if (virtualEnv != null) {
            folders.addAll(sitePackagesOpenVino(Path.of(virtualEnv)));
        }
        for (Path sitePackages : pythonSitePackages()) {
            folders.add(sitePackages.resolve("openvino").resolve("libs"));
        }
        folders.addAll(glob(Path.of("/opt/intel"), "openvino*", "runtime/lib/intel64"));
        String ldPath = System.getenv("LD_LIBRARY_PATH");
        if (ldPath != null) {
            for (String dir : ldPath.split(":")) {
                if (!dir.isBlank()) {
                    folders.add(Path.of(dir));
                }
            }
        }
        folders.add(Path.of("/usr/local/lib"));
        folders.add(Path.of("/usr/lib/x86_64-linux-gnu"));
        folders.add(Path.of("/usr/lib"));
        return folders;
    }

    private static List<Path> sitePackagesOpenVino(Path venv) {
        return glob(venv.resolve("lib"), "python3*", "site-packages/openvino/libs");
    }

    private static List<Path> glob(Path parent, String pattern, String below) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(parent)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, pattern)) {
            dirs.forEach(dir -> out.add(dir.resolve(below)));
        } catch (IOException e) {
            return out;
        }
        out.sort(Comparator.reverseOrder());
        return out;
    }

    /** The site-packages folders of the default {@code python3}, asked without importing openvino. */
    private List<Path> pythonSitePackages() {
        List<Path> out = new ArrayList<>();
        try {
            Process python = new ProcessBuilder("python3", "-c",
                    "import site, sys; print('\\n'.join(site.getsitepackages() + [site.getusersitepackages()] + sys.path))")
                    .redirectErrorStream(true).start();
            String text;
            try (InputStream in = python.getInputStream()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (python.waitFor(10, TimeUnit.SECONDS) && python.exitValue() == 0) {
                text.lines().filter(line -> line.startsWith("/")).map(Path::of).distinct().forEach(out::add);
            }
        } catch (IOException e) {
            searched.add("python3 site-packages (python3 not runnable: " + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    private Optional<Path> inFolder(Path folder) {
        searched.add(folder.toString());
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        // The wheel ships only versioned names (libopenvino_c.so.2641), so match the prefix.
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, LIBRARY_PREFIX + "*")) {
            List<Path> matches = new ArrayList<>();
            files.forEach(matches::add);
            return matches.stream().filter(Files::isRegularFile).max(Comparator.comparing(Path::toString));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
