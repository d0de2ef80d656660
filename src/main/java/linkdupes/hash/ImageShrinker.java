package linkdupes.hash;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
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
        // every n-th pixel of each n-th row: a 12-megapixel photo decodes to a few hundred
        // pixels across, not 4000, before it is shrunk smoothly
        ImageReadParam param = reader.getDefaultReadParam();
        int step = Math.max(1, Math.max(w, h) / (2 * side));
        param.setSourceSubsampling(step, step, 0, 0);
        BufferedImage image = reader.read(0, param);
        return jpeg(image, side);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException | LinkageError | OutOfMemoryError e) {
      return null; // a damaged image, or a variant the decoder lacks: no picture
    }
  }

  private static Thumbnails.Picture jpeg(BufferedImage image, int side) throws IOException {
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
    return new Thumbnails.Picture(out.toByteArray(), w, h);
  }
}
