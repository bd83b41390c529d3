package io.bcgateway.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM started as a separate process (the simulator, or the packaged gateway), its output echoed with a prefix.
 * {@link #start} waits until a line matches {@code ready} and returns the line's first group.
 */
public final class JavaProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final CompletableFuture<String> ready = new CompletableFuture<>();
    /** Every line the process printed so far (start-up output is small; the ITs read it after the ready line). */
    private final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();

    private JavaProcess(String name, Process process, Pattern readyLine) {
        this.name = name;
        this.process = process;
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Thread pump = new Thread(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                    Matcher m = readyLine.matcher(line);
                    if (!ready.isDone() && m.find()) {
                        ready.complete(m.groupCount() > 0 ? m.group(1) : line);
                    }
                    System.out.println("[" + name + "] " + line);
                }
            } catch (IOException e) {
                // the process ended
            }
            ready.completeExceptionally(new IllegalStateException(name + " exited before it was ready"));
        }, name + "-output");
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts {@code java <jvmArgs...>}; {@link #awaitReady} waits for the ready line. */
    /** Quarkus' start line, which names the URL the gateway listens on. */
    public static final Pattern GATEWAY_LISTENING = Pattern.compile("Listening on: (http://[^\\s]+:\\d+)");

    /**
     * The packaged gateway ({@code target/quarkus-app}, production profile) on loopback, its HTTP and management
     * ports chosen at start and its heap capped at 96 MB; {@code settings} (JVM flags and {@code -D} keys) go
     * before {@code -jar}. {@link #awaitReady()} gives its base URL once it listens.
     */
    public static JavaProcess startPackagedGateway(List<String> settings) {
        Path jar = Path.of(System.getProperty("basedir", "."), "target", "quarkus-app", "quarkus-run.jar");
        if (!java.nio.file.Files.exists(jar)) {
            throw new IllegalStateException("package the gateway first: " + jar);
        }
        List<String> args = new ArrayList<>(List.of("-Xmx96m", "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=0",
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=0"));
        args.addAll(settings);
        args.addAll(List.of("-jar", jar.toString()));
        return start("gateway", GATEWAY_LISTENING, args);
    }

    public static JavaProcess start(String name, Pattern readyLine, List<String> jvmArgs) {
        return start(name, readyLine, jvmArgs, java.util.Map.of());
    }

    /** As {@link #start(String, Pattern, List)}, with these environment variables added to the process's own. */
    public static JavaProcess start(String name, Pattern readyLine, List<String> jvmArgs,
            java.util.Map<String, String> env) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        try {
            ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
            builder.environment().putAll(env);
            return new JavaProcess(name, builder.start(), readyLine);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    /**
     * The ready line's first group, once the process printed it (up to 120 s: three gateways starting at once on a
     * shared two-core machine took 62 s each under load).
     */
    public String awaitReady() {
        try {
            return ready.get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " did not start", e);
        }
    }

    /**
     * Waits (bounded) for the process to exit and for its output to be read to the end; returns the exit code.
     * Fails if it is still running after {@code limit}.
     */
    public int awaitExit(java.time.Duration limit) {
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(name + " still running after " + limit);
            }
            ready.handle((line, failure) -> null).get(10, TimeUnit.SECONDS); // the pump has read the last line
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(name + ": its output did not end", e);
        }
    }

    /** The first group of the first line printed so far that matches {@code pattern}, or null. */
    public String firstMatch(Pattern pattern) {
        for (String line : lines) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return m.groupCount() > 0 ? m.group(1) : line;
            }
        }
        return null;
    }

    /** Every line the process printed so far. */
    public List<String> output() {
        return List.copyOf(lines);
    }

    public String name() {
        return name;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /**
     * SIGTERM, as Kubernetes stops a pod; the output is still read to the end ({@link #awaitExit}). Through the
     * process handle: {@code Process.destroy()} would also close our end of the output pipe.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** SIGKILL: the process gets no chance to clean up, as a crashed pod. */
    public void kill() {
        Processes.kill(process);
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
