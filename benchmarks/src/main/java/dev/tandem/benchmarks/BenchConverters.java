package dev.tandem.benchmarks;

import dev.tandem.testkit.ApicurioRegistry;
import org.apache.kafka.connect.runtime.isolation.LoaderSwap;
import org.apache.kafka.connect.runtime.isolation.Plugins;
import org.apache.kafka.connect.storage.Converter;

import java.util.LinkedHashMap;
import java.util.Map;

/** Key and value converter pairs configured as a worker configures them, for the benchmarks' conversion-alone runs. */
final class BenchConverters {

    private BenchConverters() {
    }

    /**
     * Apicurio's key and value converters, loaded from its Connect plugin folder by Connect's own
     * plugin loading (as a worker loads them) and configured from {@code config}.
     */
    static Converter[] avro(Map<String, String> config) throws Exception {
        Plugins plugins = new Plugins(Map.of("plugin.path", ApicurioRegistry.converterPluginPath().toString(),
                "plugin.discovery", "hybrid_warn"));
        Converter[] out = new Converter[2];
        for (int k = 0; k < 2; k++) {
            boolean key = k == 0;
            Converter converter = (Converter) plugins.pluginClass(ApicurioRegistry.CONVERTER).getDeclaredConstructor().newInstance();
            String prefix = key ? "key.converter." : "value.converter.";
            Map<String, String> own = new LinkedHashMap<>();
            config.forEach((name, v) -> {
                if (name.startsWith(prefix)) {
                    own.put(name.substring(prefix.length()), v);
                }
            });
            // Kafka's ConfigDef loads the converter's classes through the context loader, as in a worker.
            try (LoaderSwap swap = plugins.withClassLoader(converter.getClass().getClassLoader())) {
                converter.configure(own, key);
            }
            out[k] = converter;
        }
        return out;
    }

    /** Key and value converters of this class (JSON with schemas), as a worker configures them. */
    static Converter[] json(String className) throws Exception {
        Converter[] out = new Converter[2];
        for (int k = 0; k < 2; k++) {
            out[k] = (Converter) Class.forName(className).getDeclaredConstructor().newInstance();
            out[k].configure(Map.of("schemas.enable", "true"), k == 0);
        }
        return out;
    }

    /** The pair of {@code className}: Apicurio's configured from {@code avroConfig}, any other as JSON with schemas. */
    static Converter[] of(String className, Map<String, String> avroConfig) throws Exception {
        return ApicurioRegistry.CONVERTER.equals(className) ? avro(avroConfig) : json(className);
    }
}
