package linkdupes.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Pictures for the report: the image's own, or the thumbnail a camera embedded. */
class ImageShrinkerTest {
  private static byte[] jpeg(int w, int h, Color c) throws IOException {
    BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = im.createGraphics();
    g.setColor(c);
    g.fillRect(0, 0, w, h);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(im, "jpeg", out);
    return out.toByteArray();
  }

  /** {@code main} with an Exif segment after its start that carries {@code thumb}. */
  static byte[] withExifThumbnail(byte[] main, byte[] thumb) {
    return withExif(main, thumb, 0);
  }

  /**
   * {@code main} with an Exif segment after its start: its first directory gives the
   * {@code orientation} (none for 0), its second {@code thumb} (none for null).
   */
  static byte[] withExif(byte[] main, byte[] thumb, int orientation) {
    int first = orientation == 0 ? 6 : 18; // the first directory's size
    int at = 8 + first + 30; // where the thumbnail goes
    byte[] t0 = thumb == null ? new byte[0] : thumb;
    ByteBuffer tiff = ByteBuffer.allocate(at + t0.length).order(ByteOrder.LITTLE_ENDIAN);
    tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
    if (orientation == 0) {
      tiff.putShort((short) 0);
    } else {
      tiff.putShort((short) 1).putShort((short) 0x112).putShort((short) 3).putInt(1)
          .putShort((short) orientation).putShort((short) 0);
    }
    tiff.putInt(thumb == null ? 0 : 8 + first); // the second directory's place
    tiff.putShort((short) 2);
    tiff.putShort((short) 0x201).putShort((short) 4).putInt(1).putInt(at);
    tiff.putShort((short) 0x202).putShort((short) 4).putInt(1).putInt(t0.length);
    tiff.putInt(0);
    tiff.put(t0);
    byte[] t = tiff.array();
    ByteBuffer app1 = ByteBuffer.allocate(4 + 6 + t.length).order(ByteOrder.BIG_ENDIAN);
    app1.put((byte) 0xff).put((byte) 0xe1).putShort((short) (2 + 6 + t.length));
    app1.put("Exif".getBytes()).put((byte) 0).put((byte) 0).put(t);
    byte[] a = app1.array();
    byte[] out = new byte[main.length + a.length];
    System.arraycopy(main, 0, out, 0, 2);
    System.arraycopy(a, 0, out, 2, a.length);
    System.arraycopy(main, 2, out, 2 + a.length, main.length - 2);
    return out;
  }

  /** The colour in the middle of a picture, by its strongest channel: 'r', 'g' or 'b'. */
  private static char colour(Thumbnails.Picture p) throws IOException {
    BufferedImage im = ImageIO.read(new ByteArrayInputStream(p.jpeg()));
    int rgb = im.getRGB(im.getWidth() / 2, im.getHeight() / 2);
    int r = rgb >> 16 & 0xff;
    int g = rgb >> 8 & 0xff;
    int b = rgb & 0xff;
    return r > g && r > b ? 'r' : g > b ? 'g' : 'b';
  }

  @Test
  void aCamerasEmbeddedThumbnailOfTheSameShapeIsTheAnswer() throws IOException {
    byte[] file = withExifThumbnail(jpeg(1600, 1200, Color.RED), jpeg(160, 120, Color.BLUE));
    assertNotNull(ImageIO.read(new ByteArrayInputStream(file)), "still a JPEG");

    Thumbnails.Picture p = ImageShrinker.picture(file, 160, Thumbnails.MAX_PIXELS);

    assertNotNull(p);
    assertEquals(160, p.width());
    assertEquals(120, p.height());
    assertEquals('b', colour(p), "the embedded picture (blue), not the image (red)");
  }

  @Test
  void anEmbeddedThumbnailOfAnotherShapeIsOfAnotherPictureAndTheImageIsDecoded()
      throws IOException {
    byte[] file = withExifThumbnail(jpeg(1600, 1200, Color.RED), jpeg(120, 120, Color.BLUE));

    Thumbnails.Picture p = ImageShrinker.picture(file, 160, Thumbnails.MAX_PIXELS);

    assertNotNull(p);
    assertEquals('r', colour(p), "a cropped photo keeps its old thumbnail: not shown");
    assertEquals(160, p.width());
    assertEquals(120, p.height());
  }

  @Test
  void aDamagedExifSegmentNeverFailsTheRead() throws IOException {
    byte[] good = withExifThumbnail(jpeg(320, 240, Color.RED), jpeg(160, 120, Color.BLUE));
    Random random = new Random(18);
    for (int i = 0; i < 2000; i++) {
      byte[] bad = good.clone();
      for (int k = 0; k < 1 + random.nextInt(4); k++) { // in the segment's first 64 bytes
        bad[2 + random.nextInt(64)] = (byte) random.nextInt(256);
      }
      byte[] t = ImageShrinker.exifThumbnail(bad); // no exception, whatever the bytes
      if (t != null) {
        assertTrue((t[0] & 0xff) == 0xff && (t[1] & 0xff) == 0xd8, "a JPEG's start");
      }
      ImageShrinker.picture(bad, 160, Thumbnails.MAX_PIXELS);
    }
    assertNull(ImageShrinker.exifThumbnail(jpeg(64, 48, Color.RED)), "none embedded");
  }

  @Test
  void onlyTheSignaturesOfImagesCount() throws IOException {
    byte[] png = ByteBuffer.allocate(16).put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10,
        26, 10}).array();
    assertTrue(Thumbnails.isImage(ByteBuffer.wrap(png), 16));
    assertTrue(Thumbnails.isImage(ByteBuffer.wrap(jpeg(8, 8, Color.RED)), 999));
    assertTrue(Thumbnails.isImage(ByteBuffer.wrap("GIF89a..".getBytes()), 8));
    byte[] bmp = {'B', 'M', 40, 0, 0, 0, 0, 0};
    assertTrue(Thumbnails.isImage(ByteBuffer.wrap(bmp), 40), "its size field is its size");
    assertFalse(Thumbnails.isImage(ByteBuffer.wrap(bmp), 41), "random bytes after BM");
    assertFalse(Thumbnails.isImage(ByteBuffer.wrap("<html>".getBytes()), 6));
    int images = 0;
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      byte[] b = new byte[64];
      random.nextBytes(b);
      images += Thumbnails.isImage(ByteBuffer.wrap(b), 1 << 20) ? 1 : 0;
    }
    assertTrue(images <= 3, "random bytes are seldom taken for an image: " + images);
  }

  /** Blue on the left half, red on the right. */
  private static byte[] halves(int w, int h) throws IOException {
    BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = im.createGraphics();
    g.setColor(Color.BLUE);
    g.fillRect(0, 0, w / 2, h);
    g.setColor(Color.RED);
    g.fillRect(w / 2, 0, w - w / 2, h);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(im, "jpeg", out);
    return out.toByteArray();
  }

  private static char at(Thumbnails.Picture p, double fx, double fy) throws IOException {
    BufferedImage im = ImageIO.read(new ByteArrayInputStream(p.jpeg()));
    int rgb = im.getRGB((int) (im.getWidth() * fx), (int) (im.getHeight() * fy));
    return (rgb >> 16 & 0xff) > (rgb & 0xff) ? 'r' : 'b';
  }

  @Test
  void aPhotoTakenUprightAndStoredOnItsSideIsShownUpright() throws IOException {
    // stored as the sensor saw it: blue left, red right; orientation 6 turns it clockwise,
    // so the left (blue) comes to the top
    byte[] six = withExif(halves(1600, 1200), halves(160, 120), 6);
    Thumbnails.Picture p = ImageShrinker.picture(six, 160, Thumbnails.MAX_PIXELS);
    assertEquals(120, p.width());
    assertEquals(160, p.height());
    assertEquals('b', at(p, 0.5, 0.2));
    assertEquals('r', at(p, 0.5, 0.8));

    byte[] eight = withExif(halves(1600, 1200), null, 8); // decoded whole, turned back
    Thumbnails.Picture q = ImageShrinker.picture(eight, 160, Thumbnails.MAX_PIXELS);
    assertEquals(120, q.width());
    assertEquals(160, q.height());
    assertEquals('r', at(q, 0.5, 0.2));
    assertEquals('b', at(q, 0.5, 0.8));

    byte[] three = withExif(halves(1600, 1200), halves(160, 120), 3); // upside down
    Thumbnails.Picture u = ImageShrinker.picture(three, 160, Thumbnails.MAX_PIXELS);
    assertEquals(160, u.width());
    assertEquals('r', at(u, 0.2, 0.5));
    assertEquals(1, ImageShrinker.exifOrientation(halves(64, 48)), "none said: as stored");
  }
}
