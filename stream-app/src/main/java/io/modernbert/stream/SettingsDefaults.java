package io.modernbert.stream;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option values not given as flags: first the environment ({@code --bootstrap-servers} is {@code
 * MODERNBERT_BOOTSTRAP_SERVERS}), then the properties file named by {@code MODERNBERT_CONFIG}
 * ({@code bootstrap-servers=...}), then the option's own default. Flags always win.
 */
final class SettingsDefaults implements IDefaultValueProvider {
  static final String CONFIG_FILE_VARIABLE = "MODERNBERT_CONFIG";

  private final Map<String, String> environment;
  private final Properties file;

  SettingsDefaults() {
    this(System.getenv());
  }

  SettingsDefaults(Map<String, String> environment) {
    this.environment = environment;
    this.file = load(environment.get(CONFIG_FILE_VARIABLE));
  }

  private static Properties load(String path) {
    Properties properties = new Properties();
    if (path == null || path.isBlank()) {
      return properties;
    }
    try (Reader reader = Files.newBufferedReader(Path.of(path))) {
      properties.load(reader);
      return properties;
    } catch (IOException e) {
      throw new UncheckedIOException(
          CONFIG_FILE_VARIABLE
              + "="
              + path
              + ": cannot read the properties file: "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public String defaultValue(ArgSpec argument) {
    if (!(argument instanceof OptionSpec option)) {
      return null;
    }
    String name = option.longestName().replaceFirst("^--", "");
    String variable = "MODERNBERT_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    String fromEnvironment = environment.get(variable);
    if (fromEnvironment != null) {
      return fromEnvironment;
    }
    String fromFile = file.getProperty(name);
    return fromFile != null ? fromFile : option.defaultValue();
  }
}
