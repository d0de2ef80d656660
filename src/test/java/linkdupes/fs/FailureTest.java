package linkdupes.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real failures of real calls keep their error number, and each number has its meaning. */
class FailureTest {
  @TempDir Path dir;

  @Test
  void aLinkUnderAFileFailsWithENOTDIRAndMeansTheNameIsGone() throws IOException {
    Path a = Files.writeString(dir.resolve("a"), "x");
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> LinkOps.SYSTEM.createLink(a.resolve("b"), a));
    assertEquals(Errno.ENOTDIR, e.errno());
    assertNotNull(e.getReason(), "the system's words are kept for the message");
    assertEquals(a.resolve("b").toString(), e.getFile());
    assertEquals(Failure.GONE, Failure.of(e));
  }

  @Test
  void aStatThroughASymlinkLoopFailsWithELOOP() throws IOException {
    Path loop = Files.createSymbolicLink(dir.resolve("loop"), dir.resolve("loop"));
    ErrnoException e = assertThrows(ErrnoException.class, () -> FileStat.following(loop));
    assertEquals(Errno.ELOOP, e.errno());
    assertEquals(Failure.GONE, Failure.of(e));
    assertTrue(FileStat.of(loop).mode() != 0, "lstat reads the symlink itself");
  }

  @Test
  void errorsTheJdkNamesKeepItsClassesSoCallersCatchingThemStillDo() throws IOException {
    Path a = Files.writeString(dir.resolve("a"), "x");
    Path b = Files.writeString(dir.resolve("b"), "y");
    assertThrows(FileAlreadyExistsException.class, () -> LinkOps.SYSTEM.createLink(b, a));
    NoSuchFileException gone = assertThrows(NoSuchFileException.class,
        () -> LinkOps.SYSTEM.createLink(dir.resolve("c"), dir.resolve("missing")));
    assertEquals(Failure.GONE, Failure.of(gone));
    assertThrows(NoSuchFileException.class, () -> FileStat.of(dir.resolve("missing")));
  }

  @Test
  void eachNumberHasItsMeaningWhateverTheWords() {
    assertEquals(Failure.TOO_MANY_LINKS, meaning(Errno.EMLINK));
    assertEquals(Failure.LINKS_REFUSED, meaning(Errno.EPERM));
    assertEquals(Failure.LINKS_REFUSED, meaning(Errno.EOPNOTSUPP));
    assertEquals(Failure.LINKS_REFUSED, meaning(Errno.EROFS));
    assertEquals(Failure.LINKS_REFUSED, meaning(Errno.EXDEV));
    assertEquals(Failure.GONE, meaning(Errno.ENOTDIR));
    assertEquals(Failure.GONE, meaning(Errno.ELOOP));
    assertEquals(Failure.OTHER, meaning(28)); // ENOSPC: an error to report
    // the words alone mean nothing: only a number does
    assertEquals(Failure.OTHER,
        Failure.of(new FileSystemException("f", null, "Too many links")));
  }

  private static Failure meaning(int errno) {
    return Failure.of(new ErrnoException(errno, "f", null, "Zu viele Links"));
  }
}
