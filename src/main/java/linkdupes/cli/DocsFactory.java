package linkdupes.cli;

import linkdupes.link.LinkOps;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/**
 * Makes the command for picocli's generators, which build the man page and the shell
 * completion at package time from the same model that parses the command line
 * ({@code --factory linkdupes.cli.DocsFactory}); the command has no no-argument constructor.
 */
public final class DocsFactory implements IFactory {
  @Override
  public <K> K create(Class<K> cls) throws Exception {
    if (cls == LinkdupesCommand.class) {
      return cls.cast(new LinkdupesCommand(System.out, System.err, LinkOps.SYSTEM));
    }
    return CommandLine.defaultFactory().create(cls);
  }
}
