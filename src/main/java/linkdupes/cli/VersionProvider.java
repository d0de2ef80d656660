package linkdupes.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version written into the jar by the build. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() throws IOException {
    Properties p = new Properties();
    try (InputStream in =
        VersionProvider.class.getResourceAsStream("/linkdupes/version.properties")) {
      if (in != null) {
        p.load(in);
      }
    }
    return new String[] {"linkdupes " + p.getProperty("version", "unknown")};
  }
}
