package io.bcgateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code docker/entrypoint.sh} with a stand-in {@code java} that prints its arguments: which start flags the image
 * gives the JVM with and without an AOT cache (docs/deployment.md, "Start time").
 */
class EntrypointTest {

    private static final Path ENTRYPOINT = Path.of(System.getProperty("basedir", "."), "docker", "entrypoint.sh");

    @TempDir
    Path dir;

    private Path app;
    private Path jdk;

    @BeforeEach
    void standInJavaAndImage() throws IOException {
        app = Files.createDirectories(dir.resolve("deployments"));
        jdk = Files.createDirectories(dir.resolve("jdk"));
        Path java = Files.createDirectories(jdk.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(jdk.resolve("lib"));
        Files.createFile(jdk.resolve("lib").resolve("libinstrument.so"));
    }

    @Test
    void withTheAotCacheTheJvmGetsTheCacheAndNoAgent() throws Exception {
        Files.createFile(app.resolve("app.aot"));

        assertEquals("-XX:AOTCache=app.aot -Xmx32m -Dx=1 -jar quarkus-run.jar", run(Map.of()));
    }

    @Test
    void withoutTheCacheTheJvmGetsTheClassPreloader() throws Exception {
        assertEquals("-javaagent:quarkus-run.jar -Xmx32m -Dx=1 -jar quarkus-run.jar", run(Map.of()));
    }

    @Test
    void preloadClassesFalseTurnsThePreloaderOff() throws Exception {
        assertEquals("-Xmx32m -Dx=1 -jar quarkus-run.jar", run(Map.of("PRELOAD_CLASSES", "false")));
    }

    @Test
    void aJvmWithoutJavaInstrumentStartsWithoutTheAgent() throws Exception {
        Files.delete(jdk.resolve("lib").resolve("libinstrument.so"));

        assertEquals("-Xmx32m -Dx=1 -jar quarkus-run.jar", run(Map.of()));
    }

    /** The stand-in java's arguments when the entrypoint runs with JAVA_OPTS=-Xmx32m and the argument -Dx=1. */
    private String run(Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", ENTRYPOINT.toString(), "-Dx=1").redirectErrorStream(true);
        builder.environment().put("APP_DIR", app.toString());
        builder.environment().put("JAVA_OPTS", "-Xmx32m");
        builder.environment().put("PATH", jdk.resolve("bin") + ":/usr/bin:/bin");
        builder.environment().remove("PRELOAD_CLASSES");
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the entrypoint did not finish in 30 s");
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, process.exitValue(), out);
        return out;
    }
}
