package org.sirensweep.cli;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sirensweep.files.FileSettings;
import org.sirensweep.files.Location;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Where a command's datasets and files may live, and the settings that reach them (a picocli mixin): local paths, or
 * URIs of any store Hadoop reaches ({@code hdfs://}, {@code s3a://}, ...), with {@code --conf spark.hadoop.*}
 * settings as spark-submit takes them, over the {@code spark.hadoop.*} system properties spark-submit sets.
 */
final class StoreOptions {
    @Option(
            names = "--conf",
            paramLabel = "spark.hadoop.KEY=VALUE",
            description = "A setting of the stores datasets "
                    + "live in, as spark-submit takes it, e.g. spark.hadoop.fs.s3a.endpoint=http://minio:9000; repeatable. "
                    + "spark-submit's own --conf spark.hadoop.* settings apply too.")
    Map<String, String> conf = new LinkedHashMap<>();

    /** The settings; one line of bad input for a key that is not a {@code spark.hadoop.} one. */
    FileSettings settings(CommandLine cli) {
        for (String key : conf.keySet()) {
            if (!key.startsWith(FileSettings.PREFIX)) {
                throw new CommandLine.ParameterException(
                        cli,
                        "--conf " + key + ": only " + FileSettings.PREFIX
                                + "* settings are taken here (the stores' Hadoop settings); give other Spark settings to "
                                + "spark-submit");
            }
        }
        return FileSettings.fromSystemProperties().with(conf);
    }

    /**
     * {@code text} (given as {@code option}) as a location: a local path or a URI of a store whose connector is on
     * the classpath; one line of bad input naming the option if its scheme is unknown.
     */
    Location location(CommandLine cli, String option, String text) {
        Location location;
        try {
            location = Location.of(text, settings(cli));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    cli, option + " " + text + " is not a path or URI: " + e.getMessage());
        }
        try {
            location.checkScheme();
        } catch (IOException e) {
            String why = e.getMessage();
            throw new CommandLine.ParameterException(
                    cli,
                    option + " " + text + (why.startsWith("no file system") ? ": " : " cannot be reached: ") + why);
        }
        return location;
    }
}
