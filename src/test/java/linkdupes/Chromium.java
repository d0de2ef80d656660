package linkdupes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A headless Chromium driven through its DevTools protocol over a WebSocket, with the JDK's
 * own client: load a page, evaluate script in it, see every request it makes, take a
 * screenshot. Started as a test of a page from disk needs it: no network, no sandbox (the
 * tests run as root), a fresh profile.
 */
final class Chromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final Process process;
  private final WebSocket socket;
  private final Path profile;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();
  private final List<JsonNode> events = new ArrayList<>();

  /** The browser's binary, or null where none is installed. */
  static Path binary() {
    for (String p : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome")) {
      if (Files.isExecutable(Path.of(p))) {
        return Path.of(p);
      }
    }
    return null;
  }

  private Chromium(Process process, WebSocket socket, Path profile) {
    this.process = process;
    this.socket = socket;
    this.profile = profile;
  }

  /**
   * Starts the browser with a new profile of its own, outside the test's folders (removed on
   * close as far as the browser's last helpers let it).
   */
  static Chromium start() throws Exception {
    Path profile = Files.createTempDirectory("linkdupes-chromium");
    Process p = new ProcessBuilder(binary().toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-extensions",
        "--hide-scrollbars", "--remote-debugging-port=0", "--user-data-dir=" + profile,
        "--window-size=1200,900", "about:blank")
        .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile())
        .start();
    try {
      Path active = profile.resolve("DevToolsActivePort");
      long deadline = System.nanoTime() + WAIT.toNanos();
      // both lines (the port, the browser's socket path): read while it is being written,
      // the port could be cut short
      while (!Files.exists(active) || Files.readAllLines(active).size() < 2) {
        if (System.nanoTime() > deadline || !p.isAlive()) {
          throw new IOException("chromium did not start: "
              + Files.readString(profile.resolve("chromium.log")));
        }
        Thread.sleep(50);
      }
      int port = Integer.parseInt(Files.readAllLines(active).get(0).trim());
      HttpClient http = HttpClient.newHttpClient();
      String pageSocket = null;
      while (pageSocket == null) {
        JsonNode list = JSON.readTree(http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
            HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode t : list) {
          if (t.path("type").asText().equals("page")) {
            pageSocket = t.get("webSocketDebuggerUrl").asText();
          }
        }
        if (pageSocket == null) {
          if (System.nanoTime() > deadline) {
            throw new IOException("chromium has no page");
          }
          Thread.sleep(50);
        }
      }
      Chromium[] self = new Chromium[1];
      WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket),
          new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
              text.append(data);
              if (last) {
                String message = text.toString();
                text.setLength(0);
                while (self[0] == null) {
                  Thread.onSpinWait();
                }
                self[0].received(message);
              }
              w.request(1);
              return null;
            }
          }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      self[0] = new Chromium(p, ws, profile);
      return self[0];
    } catch (Exception e) {
      p.destroyForcibly();
      throw e;
    }
  }

  private void received(String message) {
    try {
      JsonNode m = JSON.readTree(message);
      if (m.has("id")) {
        CompletableFuture<JsonNode> f = calls.remove(m.get("id").asInt());
        if (f != null) {
          f.complete(m);
        }
      } else {
        synchronized (events) {
          events.add(m);
          events.notifyAll();
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Calls a protocol method and returns its result; a protocol error fails. */
  JsonNode call(String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    calls.put(id, answer);
    ObjectNode m = JSON.createObjectNode();
    m.put("id", id);
    m.put("method", method);
    m.set("params", JSON.valueToTree(params));
    socket.sendText(JSON.writeValueAsString(m), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    JsonNode r = answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    if (r.has("error")) {
      throw new IOException(method + ": " + r.get("error"));
    }
    return r.get("result");
  }

  /** Loads {@code url} with the network watched, and waits for its load event. */
  void load(String url) throws Exception {
    call("Network.enable", Map.of());
    call("Page.enable", Map.of());
    int before = eventCount();
    call("Page.navigate", Map.of("url", url));
    waitFor("Page.loadEventFired", before);
  }

  private int eventCount() {
    synchronized (events) {
      return events.size();
    }
  }

  private void waitFor(String method, int from) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    synchronized (events) {
      while (true) {
        for (int i = from; i < events.size(); i++) {
          if (events.get(i).path("method").asText().equals(method)) {
            return;
          }
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new IOException("no " + method + " from chromium");
        }
        events.wait(left);
      }
    }
  }

  /** The URL of every request the page made, in order. */
  List<String> requests() {
    List<String> urls = new ArrayList<>();
    synchronized (events) {
      for (JsonNode e : events) {
        if (e.path("method").asText().equals("Network.requestWillBeSent")) {
          urls.add(e.at("/params/request/url").asText());
        }
      }
    }
    return urls;
  }

  /** The value of a script expression evaluated in the page (JSON-like values). */
  JsonNode eval(String expression) throws Exception {
    JsonNode r = call("Runtime.evaluate", Map.of("expression", expression,
        "returnByValue", true, "awaitPromise", true));
    if (r.has("exceptionDetails")) {
      throw new IOException("script failed: " + r.get("exceptionDetails"));
    }
    return r.at("/result/value");
  }

  /** A PNG of the page, {@code width} wide and as tall as its content up to {@code maxHeight}. */
  byte[] screenshot(int width, int maxHeight) throws Exception {
    int height = Math.min(maxHeight, eval("document.documentElement.scrollHeight").asInt());
    call("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
        "deviceScaleFactor", 1, "mobile", false));
    JsonNode shot = call("Page.captureScreenshot", Map.of("format", "png"));
    return Base64.getDecoder().decode(shot.get("data").asText());
  }

  @Override
  public void close() {
    // the browser's helpers (renderer, zygote) too: one still writing into the profile as
    // the test's folder is removed failed the test
    List<ProcessHandle> helpers = process.descendants().toList();
    try {
      socket.abort();
    } finally {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle h : helpers) {
          h.destroy();
        }
        for (ProcessHandle h : helpers) {
          try {
            h.onExit().get(10, TimeUnit.SECONDS);
          } catch (java.util.concurrent.ExecutionException
              | java.util.concurrent.TimeoutException e) {
            h.destroyForcibly();
          }
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      removeProfile();
    }
  }

  private void removeProfile() {
    for (int attempt = 0; attempt < 5 && Files.exists(profile); attempt++) {
      try (java.util.stream.Stream<Path> all = Files.walk(profile)) {
        for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        try {
          Thread.sleep(200); // a helper still writing: again, and at worst left in /tmp
        } catch (InterruptedException stop) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
