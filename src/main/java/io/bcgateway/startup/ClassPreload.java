package io.bcgateway.startup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Java agent for a start without the JDK AOT cache: {@code docker/entrypoint.sh} adds
 * {@code -javaagent:quarkus-run.jar} when the image has no {@code app.aot}. Before {@code main} runs, it starts one
 * daemon thread that loads the classes the start and the first proxied answer need ({@value #LIST}, in the order
 * they were first needed) and links those the start links, without initialising any.
 *
 * <p>Why: without the cache the main thread spends two thirds of its start loading classes one at a time (finding
 * each in one of ~135 jars, inflating, parsing and verifying it) while the second CPU is mostly idle. The main thread
 * now mostly finds its classes loaded (docs/deployment.md, "Start time").
 *
 * <p>Why it changes nothing else: {@code Class.forName(name, false, loader)} and linking run no static initialiser,
 * so no code of the gateway or a library runs earlier or in another order; classes are loaded by the loader that
 * would load them anyway; a name this build does not have is skipped. The list comes from the production profile
 * (no demo, no cluster, no tracing; {@code bench/start-classes.sh}), so it names no class of an unused feature. With
 * the AOT cache every one of these classes is loaded from the cache before {@code main}, so the image adds the agent
 * only without it. Quarkus' fast-jar (the plain {@code java -jar} of a default build) loads the application through
 * its own class loader, made by {@code main}: there the agent finds none of them and stops at once.
 */
public final class ClassPreload {

    /**
     * The class names, one a line, in the order a start loads them; {@code <name> link} for a class the start also
     * links (verifies). The others a start only loads (a type named in a verified class's signature), and linking
     * them would load the classes their own bytecode names: ~230 more classes, jackson-databind's among them.
     */
    static final String LIST = "META-INF/bc-gateway/start-classes.txt";

    /** A class of Quarkus that only an aot-jar class path (not fast-jar's) shows to the system class loader. */
    private static final String APPLICATION_CLASS = "io.quarkus.runtime.Application";

    private ClassPreload() {
    }

    /** Agent entry point: starts the preloading thread and returns at once. */
    public static void premain(String args) {
        ClassLoader loader = ClassLoader.getSystemClassLoader();
        Thread thread = new Thread(() -> {
            try (InputStream list = loader.getResourceAsStream(LIST)) {
                if (list != null && visible(APPLICATION_CLASS, loader)) {
                    preload(new BufferedReader(new InputStreamReader(list, StandardCharsets.UTF_8)), loader);
                }
            } catch (IOException | RuntimeException e) {
                // Only a start-up speed-up: a class the main thread needs is then simply loaded by the main thread.
            }
        }, "bc-gateway-class-preload");
        thread.setDaemon(true);
        thread.start();
    }

    /** Loads every class named, links those marked {@code link}, initialises none; returns how many were found. */
    static int preload(BufferedReader names, ClassLoader loader) {
        int loaded = 0;
        try {
            for (String name = names.readLine(); name != null; name = names.readLine()) {
                String[] line = name.strip().split(" ");
                if (line[0].isEmpty() || line[0].startsWith("#")) {
                    continue;
                }
                try {
                    Class<?> c = Class.forName(line[0], false, loader);
                    if (line.length > 1 && line[1].equals("link")) {
                        // Linking verifies the bytecode, the other half of the work; getDeclaredConstructors is a
                        // public call that links a class without initialising it (its reflection data is only
                        // softly held: idle RSS measured unchanged).
                        c.getDeclaredConstructors();
                    }
                    loaded++;
                } catch (ClassNotFoundException | LinkageError | SecurityException e) {
                    // not in this build (a stale list, an optional library) or not linkable here: the main thread
                    // meets the same problem when it needs the class, as it would without the agent
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return loaded;
    }

    private static boolean visible(String name, ClassLoader loader) {
        try {
            Class.forName(name, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
