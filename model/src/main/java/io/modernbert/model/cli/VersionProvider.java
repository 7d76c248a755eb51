package io.modernbert.model.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest, or "development" when run from classes. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = ModernBertCli.class.getPackage().getImplementationVersion();
    return new String[] {"modernbert " + (version == null ? "development" : version)};
  }
}
