import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Copies a jar, rewriting each class file older than Java 6 (version 50) as a Java 8 one (52),
 * with the stack maps the newer format requires, made by the JDK's class-file API (JDK 24+).
 *
 * <p>Why: the JDK's ahead-of-time cache keeps classes already parsed, verified and linked, but
 * not classes of versions before 50, which only the old verifier can check at run time
 * ("Unlinked class not supported by AOTClassLinking"). picocli's classes are version 49: a
 * run over an empty folder loaded 146 of them from the jar, 120 ms of its 250 ms. The code of
 * each method is unchanged; only the version number and the stack maps are new.
 *
 * <p>usage: java NewClassFiles.java IN.jar OUT.jar (run by make-dist.sh)
 */
public final class NewClassFiles {
  private static final int JAVA_6 = 50;
  private static final int JAVA_8 = 52;

  public static void main(String[] args) throws IOException {
    Path in = Path.of(args[0]);
    Path out = Path.of(args[1]);
    int rewritten = 0;
    try (URLClassLoader jarLoader = new URLClassLoader(new URL[] {in.toUri().toURL()}, null);
        ZipFile zip = new ZipFile(in.toFile());
        OutputStream file = Files.newOutputStream(out);
        ZipOutputStream jar = new ZipOutputStream(file)) {
      // the stack maps need the superclasses of the types they merge: the jar's and the JDK's
      ClassFile classFile = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
          ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
              .orElse(ClassHierarchyResolver.ofResourceParsing(jarLoader)).cached()));
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        byte[] bytes;
        try (InputStream s = zip.getInputStream(entry)) {
          bytes = s.readAllBytes();
        }
        if (entry.getName().endsWith(".class") && !entry.getName().endsWith("module-info.class")
            && version(bytes) < JAVA_6) {
          ClassModel model = classFile.parse(bytes);
          // every method's code goes through a code builder, which makes its stack maps
          bytes = classFile.transformClass(model,
              ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                  .andThen((builder, element) -> {
                    if (element instanceof ClassFileVersion) {
                      builder.withVersion(JAVA_8, 0);
                    } else {
                      builder.with(element);
                    }
                  }));
          rewritten++;
        }
        ZipEntry copy = new ZipEntry(entry.getName());
        copy.setTime(entry.getTime());
        jar.putNextEntry(copy);
        jar.write(bytes);
        jar.closeEntry();
      }
    }
    System.out.println(rewritten + " class files rewritten as version " + JAVA_8);
  }

  /** The class file's major version (bytes 6 and 7, after the magic number and minor). */
  private static int version(byte[] classFile) {
    return (classFile[6] & 0xff) << 8 | (classFile[7] & 0xff);
  }
}
