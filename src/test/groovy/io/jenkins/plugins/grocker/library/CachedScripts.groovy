package io.jenkins.plugins.grocker.library

import com.cloudbees.groovy.cps.ObjectInputStreamWithLoader
import com.lesfurets.jenkins.unit.InterceptingGCL
import com.lesfurets.jenkins.unit.PipelineTestHelper
import com.lesfurets.jenkins.unit.cps.PipelineTestHelperCPS

import java.lang.reflect.Field
import java.lang.reflect.Modifier
import java.security.MessageDigest

/**
 * The library's scripts compiled once per test JVM instead of once per test. JenkinsPipelineUnit gives every test a
 * new helper, hence a new GroovyScriptEngine, which compiled each script of vars/ again: most of the library tests'
 * time, and more under CPS. Here every helper of one configuration (plain or CPS, same roots, extension, base class,
 * imports) shares one engine, whose compiled classes are kept by mode, script path and content hash.
 *
 * <p>What stays per test: each loaded script is a new instance on which JenkinsPipelineUnit's own {@code loadScript}
 * installs the current helper's interceptors, so a test sees only its own mocks ({@link ScriptCacheTest} proves it);
 * the binding is the test's. What the cache could change and is checked instead: Jenkins compiles a library for
 * each build, so a script's static state starts fresh in every build; a cached class keeps its statics, so each
 * reuse verifies they still read as they did after compilation and fails the test otherwise.
 */
class CachedScripts {
    /** Shared engines by configuration. */
    private static final Map<String, Engine> ENGINES = [:]

    /** A GroovyScriptEngine whose loadScriptByName compiles a script only for a content it has not compiled yet. */
    static class Engine extends GroovyScriptEngine {
        final boolean cps
        /** Compiled classes: "cps|url|sha256" to class. */
        private final Map<String, Class> classes = [:]
        /** Static fields' values right after compilation, per class: what every reuse must still see. */
        private final Map<Class, Map<String, String>> statics = [:]
        /** Class names the CPS round trips resolved through this engine's loader (cleared when anything compiles). */
        final Map<String, Class> resolved = [:]
        /** How many scripts this engine compiled. */
        int compilations

        Engine(String[] roots, ClassLoader parent, boolean cps) {
            super(roots, parent)
            this.cps = cps
        }

        @Override
        synchronized Class loadScriptByName(String name) throws ResourceException, ScriptException {
            // what GroovyScriptEngine does to compile (the URL names the class), keyed by content instead of mtime
            URLConnection conn = getResourceConnection(name)
            String url = conn.URL.toExternalForm()
            String text
            InputStream input = conn.inputStream
            try {
                text = input.getText(conn.contentEncoding ?: config.sourceEncoding)
            } finally {
                input.close()
            }
            String key = "${cps}|${url}|${sha256(text)}"
            Class cached = classes[key]
            if (cached != null) {
                checkStatics(cached, url)
                return cached
            }
            Class compiled = groovyClassLoader.parseClass(text, url)
            compilations++
            resolved.clear()
            classes[key] = compiled
            statics[compiled] = staticValues(compiled)
            return compiled
        }

        private void checkStatics(Class c, String url) {
            Map<String, String> now = staticValues(c)
            if (now != statics[c]) {
                throw new IllegalStateException("${url}: a test changed the script's static state (${statics[c]} is now " +
                        "${now}); Jenkins compiles the library for every build, so no build sees another's statics")
            }
        }
    }

    /**
     * The engine HELPER should use: the shared one of its configuration, made from the parent loader and compiler
     * configuration JenkinsPipelineUnit's init just built (FRESH) the first time. A helper with shared libraries
     * keeps its own engine (their loader is the helper's).
     */
    static synchronized GroovyScriptEngine engine(PipelineTestHelper helper, GroovyScriptEngine fresh) {
        if (helper.libraries) {
            return fresh
        }
        boolean cps = helper instanceof PipelineTestHelperCPS
        String key = [cps, helper.scriptRoots as List, helper.scriptExtension, fresh.config.scriptBaseClass,
                      helper.imports, System.identityHashCode(helper.baseClassloader)].toString()
        Engine engine = ENGINES[key]
        if (engine == null) {
            engine = new Engine(helper.scriptRoots, fresh.parentClassLoader, cps)
            engine.config = fresh.config
            ENGINES[key] = engine
        }
        // JenkinsPipelineUnit's loader gives what it parses itself its helper's interceptors: the running test's
        ((InterceptingGCL) engine.parentClassLoader).helper = helper
        return engine
    }

    /** The static fields a script declares (@Field static), each as it reads now. */
    static Map<String, String> staticValues(Class c) {
        Map<String, String> values = new TreeMap<>()
        for (Field f in c.declaredFields) {
            if (Modifier.isStatic(f.modifiers) && !f.synthetic && !f.name.startsWith('$') && !f.name.startsWith('__')) {
                f.accessible = true
                values[f.name] = String.valueOf(f.get(null)?.inspect())
            }
        }
        return values
    }

    static String sha256(String text) {
        return MessageDigest.getInstance('SHA-256').digest(text.getBytes('UTF-8')).encodeHex().toString()
    }

    /** A plain helper on the shared engine. */
    static class Helper extends PipelineTestHelper {
        @Override
        PipelineTestHelper init() {
            super.init()
            gse = engine(this, gse)
            return this
        }
    }

    /**
     * A CPS helper on the shared engine. Its serialization round trip is JenkinsPipelineUnit's (write, then read
     * back through the scripts' loader), with each class name resolved once per loader: a loader answers a name
     * always the same way, but each miss (array classes, in every round trip) made both Groovy loaders search the
     * class path for a script of that name.
     */
    static class HelperCPS extends PipelineTestHelperCPS {
        @Override
        PipelineTestHelperCPS init() {
            super.init()
            gse = engine(this, gse)
            return this
        }

        @Override
        def <T> T roundtripSerialization(T object) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream()
            new ObjectOutputStream(bytes).writeObject(object)
            Map<String, Class> resolved = gse instanceof Engine ? ((Engine) gse).resolved : [:]
            ObjectInputStream input = new ResolvingInput(new ByteArrayInputStream(bytes.toByteArray()),
                    gse.groovyClassLoader, resolved)
            return (T) input.readObject()
        }
    }

    /** groovy-cps' stream over a loader, remembering what each class name resolved to. */
    static class ResolvingInput extends ObjectInputStreamWithLoader {
        private final Map<String, Class> resolved

        ResolvingInput(InputStream input, ClassLoader loader, Map<String, Class> resolved) {
            super(input, loader)
            this.resolved = resolved
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            Class c = resolved[desc.name]
            if (c == null) {
                c = super.resolveClass(desc)
                resolved[desc.name] = c
            }
            return c
        }
    }
}
