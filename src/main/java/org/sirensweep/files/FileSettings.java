package org.sirensweep.files;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;

/**
 * The Hadoop settings a run gives its file systems, the way Spark takes them: each {@code spark.hadoop.KEY=VALUE}
 * (from {@code spark-submit --conf}, {@code spark-defaults.conf}, or a command's {@code --conf}) becomes Hadoop's
 * {@code KEY}, over the cluster's own {@code core-site.xml}. They travel with every {@link Location}, so executors
 * reach a store as the driver does.
 */
public record FileSettings(SortedMap<String, String> hadoop) implements Serializable {
    /** The prefix Spark strips from a setting to hand it to Hadoop. */
    public static final String PREFIX = "spark.hadoop.";
    /** No settings beyond Hadoop's defaults and the classpath's {@code core-site.xml}. */
    public static final FileSettings NONE = new FileSettings(new TreeMap<>());
    /**
     * Where neither these settings nor the cluster's site files choose: s3a buffers each upload in a temporary file
     * by default (made for uploads of any size), but rows, checkpoints and pages are megabytes written whole from
     * memory, so they go up from memory (17.1 ms per 0.7 MB row against 20.1 ms; benchmarks/store.sh).
     */
    private static final Map<String, String> OUR_DEFAULTS = Map.of("fs.s3a.fast.upload.buffer", "bytebuffer");
    // A Configuration parses Hadoop's XML defaults when made (tens of ms); one per distinct settings is enough.
    private static final Map<FileSettings, Configuration> CONFIGURATIONS = new ConcurrentHashMap<>();

    public FileSettings {
        hadoop = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(hadoop));
    }

    /** The {@code spark.hadoop.*} entries of {@code sparkSettings} (other keys are not Hadoop's and are left). */
    public static FileSettings fromSpark(Map<String, String> sparkSettings) {
        SortedMap<String, String> hadoop = new TreeMap<>();
        sparkSettings.forEach((key, value) -> {
            if (key.startsWith(PREFIX)) {
                hadoop.put(key.substring(PREFIX.length()), value);
            }
        });
        return new FileSettings(hadoop);
    }

    /** The {@code spark.hadoop.*} system properties: where spark-submit puts its {@code --conf} for the driver. */
    public static FileSettings fromSystemProperties() {
        Map<String, String> properties = new TreeMap<>();
        System.getProperties().stringPropertyNames().forEach(k -> properties.put(k, System.getProperty(k)));
        return fromSpark(properties);
    }

    /** These settings with {@code more} ({@code spark.hadoop.*} keys) over them. */
    public FileSettings with(Map<String, String> more) {
        SortedMap<String, String> merged = new TreeMap<>(hadoop);
        merged.putAll(fromSpark(more).hadoop());
        return new FileSettings(merged);
    }

    /** The keys only: values may be credentials. */
    @Override
    public String toString() {
        return "FileSettings" + hadoop.keySet();
    }

    /** Hadoop's configuration with these settings; shared, so never to be changed. */
    Configuration configuration() {
        return CONFIGURATIONS.computeIfAbsent(this, settings -> {
            Configuration conf = new Configuration();
            OUR_DEFAULTS.forEach((key, value) -> {
                String[] sources = conf.getPropertySources(key);
                if (sources == null || Arrays.stream(sources).allMatch(source -> source.endsWith("-default.xml"))) {
                    conf.set(key, value, "siren-sweep");
                }
            });
            settings.hadoop().forEach(conf::set);
            return conf;
        });
    }
}
