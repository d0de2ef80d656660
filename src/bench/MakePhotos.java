import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * A tree of real photos for measuring the HTML report's pictures: N JPEGs of 4000x3000 pixels
 * (a gradient with noise, about 2.9 MB each) under by-date/, each copied to by-person/x/;
 * with --exif each carries a 160x120 thumbnail in an Exif segment, as cameras write them.
 *
 *   java -Djava.awt.headless=true src/bench/MakePhotos.java DIR N [--exif]
 */
public class MakePhotos {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    boolean exif = args.length > 2 && args[2].equals("--exif");
    Random random = new Random(1);
    for (int i = 0; i < n; i++) {
      BufferedImage im = new BufferedImage(4000, 3000, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = im.createGraphics();
      g.setPaint(new GradientPaint(0, 0, Color.getHSBColor(i / (float) n, 0.6f, 0.9f), 4000,
          3000, Color.getHSBColor((i + 3) / (float) n, 0.8f, 0.5f)));
      g.fillRect(0, 0, 4000, 3000);
      g.dispose();
      int[] px = ((DataBufferInt) im.getRaster().getDataBuffer()).getData();
      for (int k = 0; k < px.length; k++) {
        int v = random.nextInt(48) - 24;
        int p = px[k];
        px[k] = clamp((p >> 16 & 255) + v) << 16 | clamp((p >> 8 & 255) + v) << 8
            | clamp((p & 255) + v);
      }
      byte[] jpeg = jpeg(im);
      if (exif) {
        BufferedImage t = new BufferedImage(160, 120, BufferedImage.TYPE_INT_RGB);
        Graphics2D tg = t.createGraphics();
        tg.drawImage(im, 0, 0, 160, 120, null);
        tg.dispose();
        jpeg = withExifThumbnail(jpeg, jpeg(t));
      }
      String name = "DSC_" + i + ".jpg";
      for (Path p : new Path[] {dir.resolve("by-date/2024-0" + (1 + i % 5)).resolve(name),
          dir.resolve("by-person/x").resolve(name)}) {
        Files.createDirectories(p.getParent());
        Files.write(p, jpeg);
      }
    }
  }

  private static int clamp(int v) {
    return Math.min(255, Math.max(0, v));
  }

  private static byte[] jpeg(BufferedImage im) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(im, "jpeg", out);
    return out.toByteArray();
  }

  /** An Exif segment after the JPEG's start whose second directory points at {@code thumb}. */
  private static byte[] withExifThumbnail(byte[] main, byte[] thumb) {
    ByteBuffer tiff = ByteBuffer.allocate(44 + thumb.length).order(ByteOrder.LITTLE_ENDIAN);
    tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
    tiff.putShort((short) 0).putInt(14);
    tiff.putShort((short) 2);
    tiff.putShort((short) 0x201).putShort((short) 4).putInt(1).putInt(44);
    tiff.putShort((short) 0x202).putShort((short) 4).putInt(1).putInt(thumb.length);
    tiff.putInt(0).put(thumb);
    byte[] t = tiff.array();
    ByteBuffer app1 = ByteBuffer.allocate(10 + t.length);
    app1.put((byte) 0xff).put((byte) 0xe1).putShort((short) (8 + t.length));
    app1.put("Exif".getBytes()).put((byte) 0).put((byte) 0).put(t);
    byte[] a = app1.array();
    byte[] out = new byte[main.length + a.length];
    System.arraycopy(main, 0, out, 0, 2);
    System.arraycopy(a, 0, out, 2, a.length);
    System.arraycopy(main, 2, out, 2 + a.length, main.length - 2);
    return out;
  }
}
