package io.modernbert.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The deployment files of the repository, parsed: the tests read what users deploy, not copies. */
final class DeployFiles {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  private DeployFiles() {}

  /** The repository's root (the build passes it as {@code modernbert.repository}). */
  static Path repository() {
    return Path.of(System.getProperty("modernbert.repository", "..")).toAbsolutePath().normalize();
  }

  static Path path(String relative) {
    return repository().resolve(relative);
  }

  static JsonNode yaml(String relative) {
    List<JsonNode> documents = yamlDocuments(relative);
    if (documents.size() != 1) {
      throw new IllegalStateException(
          relative + ": expected one YAML document, found " + documents.size());
    }
    return documents.get(0);
  }

  static List<JsonNode> yamlDocuments(String relative) {
    try (YAMLParser parser = new YAMLFactory().createParser(path(relative).toFile())) {
      List<JsonNode> documents = new ArrayList<>();
      YAML.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
      return documents;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(String relative) {
    try {
      return JSON.readTree(path(relative).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String text(String relative) {
    try {
      return Files.readString(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The object of {@code kind} among the YAML documents of the Kubernetes base. */
  static JsonNode kubernetes(String file, String kind) {
    return yamlDocuments("deploy/k8s/base/" + file).stream()
        .filter(object -> kind.equals(object.path("kind").asText()))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no " + kind + " in deploy/k8s/base/" + file));
  }
}
