package org.sirensweep.spark;

import java.util.Properties;
import org.apache.spark.SparkConf;
import org.sirensweep.files.ResourceProperties;

/**
 * A Spark line and the Scala it is built with: the one this job jar was built for, and the one it runs on. A jar
 * built for another line fails with a {@code NoSuchMethodError} somewhere: in its own YAML parser against the
 * cluster's Jackson, or in a task where Scala 2.12 and 2.13 give Spark's methods other types. {@link
 * #mismatchHere()} says so in one line before anything runs, with the jar to submit instead. Both lines are read from
 * resources, without running Spark's or Scala's code.
 *
 * @param spark the line, {@code major.minor} ({@code 4.1})
 * @param scala Scala's binary version ({@code 2.13})
 */
public record SparkLine(String spark, String scala) {
    private static final String BUILD = "/siren-sweep-spark.properties";

    /** The line this jar was built for. */
    static SparkLine built() {
        return built(ResourceProperties.read(SparkLine.class, BUILD));
    }

    private static SparkLine built(Properties build) {
        return new SparkLine(build.getProperty("spark_line"), build.getProperty("scala_binary"));
    }

    /** The line of the Spark on the class path (its {@code spark-version-info.properties} and Scala's library's). */
    static SparkLine running() {
        String spark = ResourceProperties.read(SparkConf.class, "/spark-version-info.properties")
                .getProperty("version", "");
        String scala = ResourceProperties.read(scala.Option.class, "/library.properties")
                .getProperty("version.number", "");
        return new SparkLine(majorMinor(spark), majorMinor(scala));
    }

    /**
     * Null if this jar was built for the Spark it runs on, else the line that says which jar to submit instead. To be
     * asked before anything else: the jar's own libraries (its YAML parser) already fail against another line's.
     */
    public static String mismatchHere() {
        Properties build = ResourceProperties.read(SparkLine.class, BUILD);
        return mismatch(
                built(build),
                running(),
                build.getProperty("jar_name"),
                build.getProperty("default_line"),
                build.getProperty("built_lines"));
    }

    /**
     * Null if a jar built for {@code built} runs on {@code running}, else the line that says which jar to submit
     * ({@code jarName} and the line's suffix) and how to build it ({@code defaultLine}: the line built without a
     * profile; {@code builtLines}: every line the pom builds).
     */
    static String mismatch(SparkLine built, SparkLine running, String jarName, String defaultLine, String builtLines) {
        if (built.equals(running)) {
            return null;
        }
        String build =
                running.spark().equals(defaultLine) ? "mvn package" : "mvn -P spark-" + running.spark() + " package";
        return "this job jar is built for Spark " + built.spark() + " on Scala " + built.scala()
                + ", but the Spark it runs on is " + running.spark() + " on Scala " + running.scala() + ": submit "
                + jarName + "-spark" + running.spark() + "_" + running.scala() + ".jar instead (" + build
                + " builds it; jars are built for Spark " + builtLines + ")";
    }

    /** "4.1" of "4.1.0" (or of "4.1.0-SNAPSHOT"); the text itself where it has no minor version. */
    static String majorMinor(String version) {
        String[] parts = version.split("\\.");
        return parts.length < 2 ? version : parts[0] + "." + parts[1];
    }
}
