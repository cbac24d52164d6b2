package dev.xaa4j.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API of connector-core is what its module descriptor exports, and nothing else leaks into it
 * (docs/architecture.md "connector-core packages"): at most 4 exported packages, unqualified exports exactly the
 * API packages, and no exported signature mentions Nimbus, json-smart, Jackson, java-keyring or a non-exported
 * package of this module.
 */
class ApiSurfaceTest {

    static final Set<String> API_PACKAGES = Set.of("dev.xaa4j.connector", "dev.xaa4j.connector.mcp");
    static final List<String> FORBIDDEN = List.of("com.nimbusds.", "net.minidev.", "com.fasterxml.jackson.",
            "com.github.javakeyring.", "dev.xaa4j.connector.internal.", "dev.xaa4j.connector.host.");

    @Test
    void theModuleExportsOnlyTheApiPackages() throws IOException {
        ModuleDescriptor module = descriptor();
        assertThat(module.name()).isEqualTo("dev.xaa4j.connector");
        assertThat(module.exports()).as("exported packages").hasSizeLessThanOrEqualTo(4);
        Set<String> unqualified = module.exports().stream().filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertThat(unqualified).as("unqualified exports").isEqualTo(API_PACKAGES);
        assertThat(module.opens()).as("opened packages").isEmpty();
    }

    @Test
    void noExportedSignatureMentionsALibraryOrANonExportedType() throws Exception {
        List<String> offenders = new ArrayList<>();
        for (Class<?> type : apiTypes()) {
            offenders.addAll(offenders(type));
        }
        assertThat(offenders)
                .as("public API signatures that mention a type of %s (move the type out of the API, or take an API type):%n  %s",
                        FORBIDDEN, String.join("\n  ", offenders))
                .isEmpty();
    }

    @Test
    void theApiIsSmall() throws Exception {
        // Before issue 10 all 89 public types of connector-core were reachable; the count here is what is left.
        assertThat(apiTypes()).as("public types in the exported packages").hasSizeLessThanOrEqualTo(32);
    }

    /** Every public type (top-level and nested, reachable from outside) of the exported packages. */
    static List<Class<?>> apiTypes() throws Exception {
        Path classes = classesDir();
        List<Class<?>> out = new ArrayList<>();
        for (String pkg : API_PACKAGES) {
            Path dir = classes.resolve(pkg.replace('.', '/'));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                    String simple = f.getFileName().toString().replace(".class", "");
                    if (simple.equals("package-info") || simple.equals("module-info")) {
                        continue;
                    }
                    Class<?> c = Class.forName(pkg + "." + simple, false, ApiSurfaceTest.class.getClassLoader());
                    if (reachable(c)) {
                        out.add(c);
                    }
                }
            }
        }
        return out;
    }

    private static boolean reachable(Class<?> c) {
        for (Class<?> t = c; t != null; t = t.getDeclaringClass()) {
            if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isLocalClass() || t.isSynthetic()) {
                return false;
            }
        }
        return true;
    }

    private static List<String> offenders(Class<?> type) {
        List<String> out = new ArrayList<>();
        String name = type.getName();
        check(out, name + " extends", type.getGenericSuperclass());
        for (Type i : type.getGenericInterfaces()) {
            check(out, name + " implements", i);
        }
        for (TypeVariable<?> v : type.getTypeParameters()) {
            check(out, name + " type parameter " + v.getName(), v);
        }
        if (type.isRecord()) {
            for (RecordComponent rc : type.getRecordComponents()) {
                check(out, name + " record component " + rc.getName(), rc.getGenericType());
            }
        }
        for (Field f : type.getDeclaredFields()) {
            if (visible(f.getModifiers()) && !f.isSynthetic()) {
                check(out, name + "." + f.getName(), f.getGenericType());
            }
        }
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (visible(c.getModifiers()) && !c.isSynthetic()) {
                executable(out, name + ".<init>", c);
            }
        }
        for (Method m : type.getDeclaredMethods()) {
            if (visible(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
                check(out, name + "." + m.getName() + " returns", m.getGenericReturnType());
                executable(out, name + "." + m.getName(), m);
            }
        }
        return out;
    }

    private static void executable(List<String> out, String where, Executable e) {
        for (Type p : e.getGenericParameterTypes()) {
            check(out, where + " parameter", p);
        }
        for (Type x : e.getGenericExceptionTypes()) {
            check(out, where + " throws", x);
        }
        for (TypeVariable<?> v : e.getTypeParameters()) {
            check(out, where + " type parameter " + v.getName(), v);
        }
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void check(List<String> out, String where, Type t) {
        Set<String> found = new TreeSet<>();
        collect(t, found, new HashSet<>());
        for (String f : found) {
            out.add(where + ": " + f);
        }
    }

    /** The names of forbidden types anywhere in {@code t} (arrays, type arguments, bounds, owners). */
    private static void collect(Type t, Set<String> found, Set<Type> seen) {
        if (t == null || !seen.add(t)) {
            return;
        }
        if (t instanceof Class<?> c) {
            while (c.isArray()) {
                c = c.getComponentType();
            }
            String n = c.getName();
            if (FORBIDDEN.stream().anyMatch(n::startsWith)) {
                found.add(n);
            }
        } else if (t instanceof ParameterizedType p) {
            collect(p.getRawType(), found, seen);
            collect(p.getOwnerType(), found, seen);
            for (Type a : p.getActualTypeArguments()) {
                collect(a, found, seen);
            }
        } else if (t instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                collect(b, found, seen);
            }
            for (Type b : w.getLowerBounds()) {
                collect(b, found, seen);
            }
        } else if (t instanceof TypeVariable<?> v) {
            for (Type b : v.getBounds()) {
                collect(b, found, seen);
            }
        } else if (t instanceof GenericArrayType a) {
            collect(a.getGenericComponentType(), found, seen);
        }
    }

    /** The compiled main classes of connector-core (where the module descriptor sits). */
    private static Path classesDir() throws URISyntaxException {
        return Path.of(Connector.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static ModuleDescriptor descriptor() throws IOException {
        Path path;
        try {
            path = classesDir().resolve("module-info.class");
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        try (InputStream in = Files.newInputStream(path)) {
            return ModuleDescriptor.read(in);
        }
    }
}
