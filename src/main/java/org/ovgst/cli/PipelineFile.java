package org.ovgst.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ready pipeline in pipelines/: a gst-launch-1.0 description, its lines joined, after a header of
 * {@code #} comments (and comment lines anywhere). {@code ${NAME}} is a value the user gives
 * ({@code NAME=value} on the command line, else the environment); {@code ${NAME:-default}} falls back
 * to its default, which may hold other variables (and is read only when used);
 * {@code ${NAME:+text}} is the text when NAME has a value, else nothing (an optional property);
 * {@code ${ROOT}} is the ovgst folder. Nothing else
 * is interpreted: GStreamer parses the description.
 */
record PipelineFile(Path file, String template, String header) {
    private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]*");

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
    String expand(Map<String, String> given, Map<String, String> environment, Path root) {
        Map<String, String> values = new LinkedHashMap<>(environment);
        values.putAll(given);
        values.put("ROOT", root.toString());
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
