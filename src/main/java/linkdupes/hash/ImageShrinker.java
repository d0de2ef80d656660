package linkdupes.hash;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * An image's bytes decoded and shrunk into a small JPEG, with the JDK's decoders (the
 * java.desktop module). A class of its own, loaded only where that module is there: the
 * rest of the run never touches it.
 */
final class ImageShrinker {
  private ImageShrinker() {}

  /** A picture of the image in {@code bytes}, or null when it cannot be decoded. */
  static Thumbnails.Picture picture(byte[] bytes, int side, long maxPixels) {
    return picture(bytes, side, maxPixels, pixels -> true);
  }

  /**
   * As above, decoding the whole image only when {@code mayDecode} allows its pixels (a run's
   * budget); an embedded thumbnail is always taken. Null when there is no picture.
   */
  static Thumbnails.Picture picture(byte[] bytes, int side, long maxPixels,
      java.util.function.LongPredicate mayDecode) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return null;
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        if (w <= 0 || h <= 0 || (long) w * h > maxPixels) {
          return null;
        }
        // a camera's own small picture, where it embedded one of the same shape: decoding a
        // 12-megapixel JPEG took 100-120 ms of CPU, subsampled or not
        int orientation = exifOrientation(bytes);
        BufferedImage embedded = embedded(bytes, w, h);
        if (embedded != null) {
          return jpeg(embedded, side, orientation);
        }
        if (!mayDecode.test((long) w * h)) {
          return null;
        }
        // every n-th pixel of each n-th row: a 12-megapixel photo decodes to a few hundred
        // pixels across, not 4000, before it is shrunk smoothly
        ImageReadParam param = reader.getDefaultReadParam();
        int step = Math.max(1, Math.max(w, h) / (2 * side));
        param.setSourceSubsampling(step, step, 0, 0);
        BufferedImage image = reader.read(0, param);
        return jpeg(image, side, orientation);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException | LinkageError | OutOfMemoryError e) {
      return null; // a damaged image, or a variant the decoder lacks: no picture
    }
  }

  /**
   * The thumbnail embedded in a JPEG's Exif segment, decoded, when it has the shape of the
   * image ({@code w} by {@code h}, within 2%): one of another shape is of another picture
   * (cropped since, and the thumbnail left as it was) or has bars around it. Null otherwise.
   */
  static BufferedImage embedded(byte[] jpeg, int w, int h) {
    byte[] t = exifThumbnail(jpeg);
    if (t == null) {
      return null;
    }
    try {
      BufferedImage small = ImageIO.read(new ByteArrayInputStream(t));
      if (small == null) {
        return null;
      }
      double shape = (double) w / h;
      double its = (double) small.getWidth() / small.getHeight();
      return Math.abs(its / shape - 1) <= 0.02 ? small : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The bytes of the thumbnail a JPEG carries in its Exif segment (the TIFF structure's second
   * directory, tags 0x201 and 0x202: where it starts and how long it is), or null. Every
   * offset is checked to lie within the segment.
   */
  static byte[] exifThumbnail(byte[] b) {
    int[] tiff = exifTiff(b);
    return tiff == null ? null : thumbnailIn(b, tiff[0], tiff[1]);
  }

  /**
   * Where the TIFF structure of a JPEG's Exif segment starts and the segment ends, or null
   * when it has none before the image's data.
   */
  private static int[] exifTiff(byte[] b) {
    if (b.length < 4 || (b[0] & 0xff) != 0xff || (b[1] & 0xff) != 0xd8) {
      return null;
    }
    int p = 2;
    while (p + 4 <= b.length && (b[p] & 0xff) == 0xff) {
      int marker = b[p + 1] & 0xff;
      if (marker == 0xda || marker == 0xd9) {
        return null; // the image's data: no metadata after it
      }
      int length = u16(b, p + 2, false);
      if (length < 2 || p + 2L + length > b.length) {
        return null;
      }
      if (marker == 0xe1 && length >= 16 && b[p + 4] == 'E' && b[p + 5] == 'x'
          && b[p + 6] == 'i' && b[p + 7] == 'f' && b[p + 8] == 0 && b[p + 9] == 0) {
        return new int[] {p + 10, p + 2 + length};
      }
      p += 2 + length;
    }
    return null;
  }

  /**
   * How a JPEG is to be turned to be seen upright: its Exif orientation (1 to 8, tag 0x112 of
   * the first directory), 1 where it says none. A phone stores a photo taken upright as the
   * sensor saw it, on its side, with 6 or 8 here; its embedded thumbnail too.
   */
  static int exifOrientation(byte[] b) {
    int[] t = exifTiff(b);
    if (t == null || t[0] + 8 > t[1]) {
      return 1;
    }
    int tiff = t[0];
    int end = t[1];
    boolean little = b[tiff] == 'I' && b[tiff + 1] == 'I';
    if (!little && !(b[tiff] == 'M' && b[tiff + 1] == 'M')) {
      return 1;
    }
    long first = tiff + u32(b, tiff + 4, little);
    if (first + 2 > end) {
      return 1;
    }
    int entries = u16(b, (int) first, little);
    if (first + 2 + 12L * entries > end) {
      return 1;
    }
    for (int i = 0; i < entries; i++) {
      int e = (int) first + 2 + 12 * i;
      if (u16(b, e, little) == 0x112 && u16(b, e + 2, little) == 3) {
        int o = u16(b, e + 8, little);
        return o >= 1 && o <= 8 ? o : 1;
      }
    }
    return 1;
  }

  private static byte[] thumbnailIn(byte[] b, int tiff, int end) {
    if (tiff + 8 > end) {
      return null;
    }
    boolean little;
    if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
      little = true;
    } else if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
      little = false;
    } else {
      return null;
    }
    long first = tiff + u32(b, tiff + 4, little);
    if (first + 2 > end) {
      return null;
    }
    long next = first + 2 + 12L * u16(b, (int) first, little);
    if (next + 4 > end) {
      return null;
    }
    long second = u32(b, (int) next, little);
    if (second == 0 || tiff + second + 2 > end) {
      return null;
    }
    int at = (int) (tiff + second);
    int entries = u16(b, at, little);
    if (at + 2 + 12L * entries > end) {
      return null;
    }
    long start = -1;
    long length = -1;
    for (int i = 0; i < entries; i++) {
      int e = at + 2 + 12 * i;
      int tag = u16(b, e, little);
      int type = u16(b, e + 2, little);
      long value = type == 3 ? u16(b, e + 8, little) : type == 4 ? u32(b, e + 8, little) : -1;
      if (tag == 0x201) {
        start = value;
      } else if (tag == 0x202) {
        length = value;
      }
    }
    if (start <= 0 || length < 4 || tiff + start + length > end) {
      return null;
    }
    int from = (int) (tiff + start);
    if ((b[from] & 0xff) != 0xff || (b[from + 1] & 0xff) != 0xd8) {
      return null;
    }
    return java.util.Arrays.copyOfRange(b, from, from + (int) length);
  }

  private static int u16(byte[] b, int at, boolean little) {
    int x = b[at] & 0xff;
    int y = b[at + 1] & 0xff;
    return little ? y << 8 | x : x << 8 | y;
  }

  private static long u32(byte[] b, int at, boolean little) {
    long hi = u16(b, little ? at + 2 : at, little);
    long lo = u16(b, little ? at : at + 2, little);
    return hi << 16 | lo;
  }

  private static Thumbnails.Picture jpeg(BufferedImage image, int side, int orientation)
      throws IOException {
    double scale = Math.min(1.0, (double) side / Math.max(image.getWidth(), image.getHeight()));
    int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
    int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
    BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = small.createGraphics();
    try {
      g.setColor(Color.WHITE); // under a transparent image's clear parts
      g.fillRect(0, 0, w, h);
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
          RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(image, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    small = upright(small, orientation);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try (ImageOutputStream os = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(os);
      ImageWriteParam p = writer.getDefaultWriteParam();
      p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      p.setCompressionQuality(0.8f);
      writer.write(null, new IIOImage(small, null, null), p);
    } finally {
      writer.dispose();
    }
    return new Thumbnails.Picture(out.toByteArray(), small.getWidth(), small.getHeight());
  }

  /** {@code image} turned as its Exif {@code orientation} says, to be seen upright. */
  static BufferedImage upright(BufferedImage image, int orientation) {
    if (orientation <= 1 || orientation > 8) {
      return image;
    }
    int w = image.getWidth();
    int h = image.getHeight();
    boolean turned = orientation >= 5; // a quarter turn: width and height swap
    BufferedImage out = new BufferedImage(turned ? h : w, turned ? w : h,
        BufferedImage.TYPE_INT_RGB);
    // where a pixel (x, y) of the stored image goes
    AffineTransform t = switch (orientation) {
      case 2 -> new AffineTransform(-1, 0, 0, 1, w, 0); // mirrored
      case 3 -> new AffineTransform(-1, 0, 0, -1, w, h); // upside down
      case 4 -> new AffineTransform(1, 0, 0, -1, 0, h); // mirrored, upside down
      case 5 -> new AffineTransform(0, 1, 1, 0, 0, 0); // mirrored, on its side
      case 6 -> new AffineTransform(0, 1, -1, 0, h, 0); // a quarter turn clockwise
      case 7 -> new AffineTransform(0, -1, -1, 0, h, w); // mirrored, on its other side
      default -> new AffineTransform(0, -1, 1, 0, 0, w); // 8: a quarter turn back
    };
    Graphics2D g = out.createGraphics();
    try {
      g.drawImage(image, t, null);
    } finally {
      g.dispose();
    }
    return out;
  }
}
