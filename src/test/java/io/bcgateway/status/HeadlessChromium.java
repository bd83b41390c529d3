package io.bcgateway.status;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium}, headless, as a person's browser would load a page: it runs the page's script and
 * returns the DOM as it stands after {@code virtualMillis} of (virtual) time. Each run gets a new empty profile
 * and nothing that would reach the internet (no component updates, sync or background networking); bounded to 90 s.
 */
public final class HeadlessChromium {

    static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final long TIMEOUT_SECONDS = 90;

    private HeadlessChromium() {
    }

    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** The page's DOM after its script ran for {@code virtualMillis}, in the time zone {@code timeZone}. */
    public static String dumpDom(String url, int virtualMillis, String timeZone) {
        return run(timeZone, "--virtual-time-budget=" + virtualMillis, "--dump-dom", url);
    }

    private static String run(String timeZone, String... args) {
        Path profile = null;
        try {
            profile = Files.createTempDirectory("chromium-profile");
            List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    "--user-data-dir=" + profile));
            command.addAll(List.of(args));
            Path out = profile.resolve("dom.html");
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("TZ", timeZone);
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("chromium did not finish within " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("chromium exited with " + p.exitValue());
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            delete(profile);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a leftover temp profile is harmless
        }
    }
}
