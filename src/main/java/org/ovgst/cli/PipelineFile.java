package org.ovgst.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ready pipeline in pipelines/: a gst-launch-1.0 description, its lines joined, after a header of
 * {@code #} comments (and comment lines anywhere). {@code ${NAME}} is a value the user gives
 * ({@code NAME=value} on the command line, else the environment); {@code ${NAME:-default}} falls back
 * to its default, which may hold other variables (and is read only when used);
 * {@code ${NAME:+text}} is the text when NAME has a value, else nothing (an optional property);
 * {@code ${ROOT}} is the ovgst folder (its models), {@code ${CWD}} the working directory (where the
 * ready pipelines write by default: {@code ${CWD}/out/...}, as a command writes beside its user, not
 * into the checkout). A {@code NAME=value} whose NAME the file never uses (a misspelt variable) is
 * refused with the names it takes, since it would be silently ignored; the environment is not
 * checked, as it holds many names for other programs. Nothing else is interpreted: GStreamer parses
 * the description.
 */
record PipelineFile(Path file, String template, String header) {
    private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]*");
    private static final Pattern USE = Pattern.compile("\\$\\{(" + NAME.pattern() + ")");
    /** Set by ovgst, not by the user. */
    private static final Set<String> BUILT_IN = Set.of("ROOT", "CWD");
    /** An element that writes a file, with its {@code location}: what launch reports at the end. */
    private static final Pattern WRITER = Pattern.compile(
            "(?:^|!)\\s*(?:filesink|ovmetapublish)\\b[^!]*?\\blocation=(?:\"([^\"]*)\"|([^\\s!\"]+))");

    static PipelineFile read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("cannot read pipeline file " + file + ": " + e.getMessage()
                    + "; the ready ones are in pipelines/");
        }
        StringBuilder template = new StringBuilder();
        StringBuilder header = new StringBuilder();
        for (String line : lines) {
            String stripped = line.strip();
            if (stripped.startsWith("#")) {
                if (template.isEmpty()) {
                    header.append(stripped.replaceFirst("^# ?", "")).append('\n');
                }
            } else if (!stripped.isEmpty()) {
                template.append(template.isEmpty() ? "" : " ").append(stripped);
            }
        }
        if (template.isEmpty()) {
            throw new UsageException("pipeline file " + file + " holds no pipeline description, only comments");
        }
        return new PipelineFile(file, template.toString(), header.toString());
    }

    /**
     * The description with every variable replaced: from {@code given}, else {@code environment},
     * else its default (only a default that is used is expanded, so its variables are needed only
     * then).
     *
     * @throws UsageException naming the variables that have no value, with how to give them
     */
    String expand(Map<String, String> given, Map<String, String> environment, Path root, Path cwd) {
        TreeSet<String> takes = variables();
        takes.removeAll(BUILT_IN);
        TreeSet<String> unknown = new TreeSet<>(given.keySet());
        unknown.removeAll(takes);
        if (!unknown.isEmpty()) {
            throw new UsageException(file + " does not use " + String.join(", ", unknown) + "; it takes "
                    + (takes.isEmpty() ? "no variables" : String.join(", ", takes)) + "\n" + header.strip());
        }
        Map<String, String> values = new LinkedHashMap<>(environment);
        values.putAll(given);
        values.put("ROOT", root.toString());
        values.put("CWD", cwd.toString());
        TreeSet<String> missing = new TreeSet<>();
        String text = expand(template, values, missing);
        if (!missing.isEmpty()) {
            StringBuilder usage = new StringBuilder();
            for (String name : missing) {
                usage.append(' ').append(name).append("=...");
            }
            throw new UsageException(file + " needs " + String.join(", ", missing) + ": ./ovgst launch --file "
                    + file + usage + "\n" + header.strip());
        }
        return text;
    }

    /** Every variable the file uses, also those only inside defaults and optional texts. */
    TreeSet<String> variables() {
        TreeSet<String> names = new TreeSet<>();
        Matcher use = USE.matcher(template);
        while (use.find()) {
            names.add(use.group(1));
        }
        return names;
    }

    /**
     * The files an expanded description writes: the {@code location} of each filesink and
     * ovmetapublish in it (not standard output, {@code -}), in order.
     */
    static List<Path> outputs(String description) {
        List<Path> files = new ArrayList<>();
        Matcher writer = WRITER.matcher(description);
        while (writer.find()) {
            String location = writer.group(1) != null ? writer.group(1) : writer.group(2);
            if (!location.equals("-") && !location.startsWith("/dev/")) {
                files.add(Path.of(location));
            }
        }
        return files;
    }

    private String expand(String text, Map<String, String> values, TreeSet<String> missing) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int start = text.indexOf("${", at);
            if (start < 0) {
                return out.append(text, at, text.length()).toString();
            }
            out.append(text, at, start);
            Matcher name = NAME.matcher(text).region(start + 2, text.length());
            if (!name.lookingAt()) {
                throw new UsageException(file + ": '${' not followed by a variable name (capitals, digits, _) at: "
                        + text.substring(start, Math.min(text.length(), start + 30)));
            }
            int end = closing(text, name.end());
            String value = values.get(name.group());
            boolean set = value != null && !value.isEmpty();
            if (text.startsWith(":-", name.end())) {
                out.append(set ? value : expand(text.substring(name.end() + 2, end), values, missing));
            } else if (text.startsWith(":+", name.end())) {
                out.append(set ? expand(text.substring(name.end() + 2, end), values, missing) : "");
            } else if (name.end() == end) {
                if (value == null || value.isEmpty()) {
                    missing.add(name.group());
                } else {
                    out.append(value);
                }
            } else {
                throw new UsageException(file + ": ${" + name.group() + "...} takes only :-default or :+text, at: "
                        + text.substring(start, end + 1));
            }
            at = end + 1;
        }
    }

    /** The index of the '}' that closes a variable whose name ends at {@code from}, nested ones skipped. */
    private int closing(String text, int from) {
        int depth = 0;
        for (int i = from; i < text.length(); i++) {
            if (text.startsWith("${", i)) {
                depth++;
                i++;
            } else if (text.charAt(i) == '}') {
                if (depth == 0) {
                    return i;
                }
                depth--;
            }
        }
        throw new UsageException(file + ": a ${ without its closing }");
    }
}
