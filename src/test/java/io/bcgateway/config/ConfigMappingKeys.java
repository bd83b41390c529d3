package io.bcgateway.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

/**
 * The configuration keys the gateway declares, derived the way SmallRye Config derives them from the
 * {@code @ConfigMapping} interfaces: the mapping's prefix, each method's name in the mapping's naming strategy (kebab
 * case unless told otherwise) or its {@code @WithName}, {@code @WithParentName} groups flattened into their parent,
 * nested groups as a dotted path, and named maps ({@code Map<String, ...>}) as a {@code *} segment, so
 * {@code gateway.connections.<name>.pool.<id>.client-id} is {@code gateway.connections.*.pool.*.client-id}.
 *
 * <p>Reflection on the compiled interfaces rather than a parse of their source: it sees exactly what SmallRye sees,
 * including keys inherited from a super-interface.
 */
final class ConfigMappingKeys {

    /** One leaf key: its dotted name ({@code *} for a map's key) and its {@code @WithDefault}, if any. */
    record Key(String name, Optional<String> defaultValue) {
    }

    private ConfigMappingKeys() {
    }

    /** Every {@code @ConfigMapping} interface compiled into the application's classes below {@code io/bcgateway}. */
    static List<Class<?>> mappingsOfTheApplication() {
        Path classes;
        try {
            classes = Path.of(GatewayConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Path root = classes.resolve("io/bcgateway");
        List<Class<?>> mappings = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String name = classes.relativize(file).toString().replace('\\', '/');
                name = name.substring(0, name.length() - ".class".length()).replace('/', '.');
                Class<?> type = Class.forName(name, false, ConfigMappingKeys.class.getClassLoader());
                if (type.isInterface() && type.isAnnotationPresent(ConfigMapping.class)) {
                    mappings.add(type);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        mappings.sort(Comparator.comparing(Class::getName));
        return mappings;
    }

    /** The leaf keys of the given mappings, by name. */
    static Map<String, Key> of(List<Class<?>> mappings) {
        Map<String, Key> keys = new TreeMap<>();
        for (Class<?> mapping : mappings) {
            ConfigMapping annotation = mapping.getAnnotation(ConfigMapping.class);
            group(mapping, annotation.prefix(), annotation.namingStrategy(), keys);
        }
        return keys;
    }

    private static void group(Class<?> type, String path, ConfigMapping.NamingStrategy naming, Map<String, Key> keys) {
        for (Method method : type.getMethods()) {
            if (method.isDefault() || Modifier.isStatic(method.getModifiers()) || method.getParameterCount() > 0) {
                continue;
            }
            WithName withName = method.getAnnotation(WithName.class);
            String name = withName != null ? withName.value() : name(method.getName(), naming);
            String child = method.isAnnotationPresent(WithParentName.class) ? path : join(path, name);
            WithDefault withDefault = method.getAnnotation(WithDefault.class);
            value(method.getGenericReturnType(), child, Optional.ofNullable(withDefault).map(WithDefault::value), naming,
                    keys);
        }
    }

    private static void value(Type type, String path, Optional<String> defaultValue, ConfigMapping.NamingStrategy naming,
            Map<String, Key> keys) {
        Class<?> raw = raw(type);
        if (raw == Optional.class) {
            value(argument(type, 0), path, defaultValue, naming, keys);
        } else if (raw == Map.class) {
            value(argument(type, 1), join(path, "*"), defaultValue, naming, keys);
        } else if ((raw == List.class || raw == Set.class) && isGroup(raw(argument(type, 0)))) {
            group(raw(argument(type, 0)), path + "[*]", naming, keys);
        } else if (isGroup(raw)) {
            group(raw, path, naming, keys);
        } else {
            keys.put(path, new Key(path, defaultValue));
        }
    }

    /** A nested group is an interface of ours; a {@code List<String>}, a {@code Duration} or an enum is one value. */
    private static boolean isGroup(Class<?> type) {
        return type.isInterface() && !type.getName().startsWith("java.") && type != OptionalInt.class
                && type != OptionalLong.class && type != OptionalDouble.class;
    }

    private static String name(String method, ConfigMapping.NamingStrategy naming) {
        return switch (naming) {
            case VERBATIM -> method;
            case KEBAB_CASE -> separated(method, '-');
            case SNAKE_CASE -> separated(method, '_');
        };
    }

    private static String separated(String camel, char separator) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c) && i > 0 && !Character.isUpperCase(camel.charAt(i - 1))) {
                out.append(separator);
            }
            out.append(Character.toLowerCase(c));
        }
        return out.toString();
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalArgumentException("Cannot derive configuration keys from " + type);
    }

    private static Type argument(Type type, int index) {
        if (type instanceof ParameterizedType p) {
            return p.getActualTypeArguments()[index];
        }
        throw new IllegalArgumentException("A raw " + type + " in a config mapping has no element type");
    }
}
