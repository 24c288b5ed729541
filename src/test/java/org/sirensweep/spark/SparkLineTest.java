package org.sirensweep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The job jar's Spark line against the Spark it runs on. */
class SparkLineTest {
    private static final String LINES = "3.5 (Scala 2.12), 4.0, 4.1 and 4.2 (Scala 2.13)";

    @Test
    void theBuildRunsOnTheSparkItWasBuiltWith() {
        assertEquals(SparkLine.built(), SparkLine.running());
        assertEquals(
                2,
                SparkLine.running().spark().split("\\.").length,
                SparkLine.running().toString());
        assertNull(SparkLine.mismatchHere());
    }

    @Test
    void theBuildSaysWhatItBuilds() throws Exception {
        Properties build = new Properties();
        try (InputStream in = SparkLine.class.getResourceAsStream("/siren-sweep-spark.properties")) {
            build.load(in);
        }
        assertEquals(SparkLine.built().spark(), build.getProperty("spark_line"));
        assertEquals("4.1", build.getProperty("default_line"));
        assertEquals(LINES, build.getProperty("built_lines"));
        assertEquals("siren-sweep-0.1.0-SNAPSHOT", build.getProperty("jar_name"));
    }

    @Test
    void aJarOfAnotherLineNamesTheJarToSubmit() {
        assertNull(SparkLine.mismatch(
                new SparkLine("4.1", "2.13"),
                new SparkLine("4.1", "2.13"),
                "siren-sweep-0.1.0-SNAPSHOT",
                "4.1",
                LINES));
        assertEquals(
                "this job jar is built for Spark 4.1 on Scala 2.13, but the Spark it runs on is 3.5 on Scala 2.12:"
                        + " submit siren-sweep-0.1.0-SNAPSHOT-spark3.5_2.12.jar instead (mvn -P spark-3.5 package"
                        + " builds it; jars are built for Spark 3.5 (Scala 2.12), 4.0, 4.1 and 4.2 (Scala 2.13))",
                SparkLine.mismatch(
                        new SparkLine("4.1", "2.13"),
                        new SparkLine("3.5", "2.12"),
                        "siren-sweep-0.1.0-SNAPSHOT",
                        "4.1",
                        LINES));
        assertEquals(
                "this job jar is built for Spark 3.5 on Scala 2.12, but the Spark it runs on is 4.1 on Scala 2.13:"
                        + " submit siren-sweep-0.1.0-SNAPSHOT-spark4.1_2.13.jar instead (mvn package builds it; jars"
                        + " are built for Spark 3.5 (Scala 2.12), 4.0, 4.1 and 4.2 (Scala 2.13))",
                SparkLine.mismatch(
                        new SparkLine("3.5", "2.12"),
                        new SparkLine("4.1", "2.13"),
                        "siren-sweep-0.1.0-SNAPSHOT",
                        "4.1",
                        LINES));
    }

    @Test
    void versionsAreCutToTheirLine() {
        assertEquals("3.5", SparkLine.majorMinor("3.5.8"));
        assertEquals("2.13", SparkLine.majorMinor("2.13.16"));
        assertEquals("4.2", SparkLine.majorMinor("4.2.0-SNAPSHOT"));
        assertEquals("", SparkLine.majorMinor(""));
    }
}
