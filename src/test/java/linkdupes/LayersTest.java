package linkdupes;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.lang.reflect.AccessibleObject;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The packages stand in layers, each using only those below it, checked over the compiled
 * main classes: the ground first, the entry point last. The order is the README's
 * "Architecture" section; a class that imports from a layer above its own fails here.
 */
class LayersTest {
  /** From the ground up: a package may use those before it, never one after. */
  static final List<String> LAYERS = List.of(
      "base", "fs", "scan", "group", "hash", "plan", "link", "cache", "journal", "pipeline",
      "report", "cli", "entry");

  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("linkdupes");

  private static String packageOf(String layer) {
    return layer.equals("entry") ? "linkdupes" : "linkdupes." + layer + "..";
  }

  @Test
  void noPackageUsesOneAboveIt() {
    LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers();
    for (String layer : LAYERS) {
      layers = layers.layer(layer).definedBy(packageOf(layer));
    }
    for (int i = 0; i < LAYERS.size(); i++) {
      String[] above = LAYERS.subList(i + 1, LAYERS.size()).toArray(new String[0]);
      layers = above.length == 0
          ? layers.whereLayer(LAYERS.get(i)).mayNotBeAccessedByAnyLayer()
          : layers.whereLayer(LAYERS.get(i)).mayOnlyBeAccessedByLayers(above);
    }
    layers.check(MAIN);
  }

  @Test
  void everyClassIsInALayer() {
    String[] packages = LAYERS.stream().map(LayersTest::packageOf).toArray(String[]::new);
    noClasses().should().resideOutsideOfPackages(packages)
        .because("a package of its own must take its place in " + Arrays.toString(packages))
        .check(MAIN);
  }

  @Test
  void onlyTheFileSystemLayerReachesPastTheJdksPublicApi() {
    noClasses().that().resideOutsideOfPackage("linkdupes.fs..")
        .should().callMethod(AccessibleObject.class, "setAccessible", boolean.class)
        .because("fs/Jdk is the one place that opens the JDK's internals")
        .check(MAIN);
  }

  @Test
  void onlyTheFileSystemLayerCallsNativeCode() {
    noClasses().that().resideOutsideOfPackage("linkdupes.fs..")
        .should().dependOnClassesThat().resideInAPackage("com.sun.jna..")
        .because("fs/Libc is the one place that calls the C library")
        .check(MAIN);
  }
}
