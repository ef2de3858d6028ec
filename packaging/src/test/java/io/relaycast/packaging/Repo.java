package io.relaycast.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The repository's files as the tests read them (surefire runs in packaging/, the root is one up). */
final class Repo {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final ObjectMapper JSON = JsonMapper.builder().build();
    static final YAMLMapper YAML = new YAMLMapper();

    private Repo() {
    }

    static Path file(String relative) {
        Path p = ROOT.resolve(relative);
        if (!Files.isRegularFile(p)) {
            throw new AssertionError("missing " + relative);
        }
        return p;
    }

    static JsonNode json(String relative) throws IOException {
        return JSON.readTree(file(relative).toFile());
    }

    static JsonNode yaml(String relative) throws IOException {
        return YAML.readTree(file(relative).toFile());
    }

    /** Every document of a multi-document YAML file. */
    static List<JsonNode> yamlDocuments(Path p) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(p.toFile())) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    docs.add(n);
                }
            }
        }
        return docs;
    }

    /**
     * The series the docs document: every {@code `name`} in the first column of a table in docs/operations.md, and
     * in docs/metrics.md where it exists (the metrics reference, which comes with the metrics work).
     */
    static Set<String> documentedSeries() throws IOException {
        Set<String> names = new TreeSet<>();
        Pattern row = Pattern.compile("^\\|\\s*`([a-z_][a-z0-9_]*)`");
        for (String doc : new String[] {"docs/operations.md", "docs/metrics.md"}) {
            Path p = ROOT.resolve(doc);
            if (!Files.isRegularFile(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                Matcher m = row.matcher(line);
                if (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }
}
