package org.sirensweep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sirensweep.files.Location;

/** The driver's checks of a cluster, from its configuration and the master's state, without a cluster. */
class ClusterChecksTest {
    @Test
    void aMasterIsReachableWhenOneOfItsAddressesAcceptsAConnection() throws Exception {
        try (ServerSocket master = new ServerSocket(0)) {
            assertNull(ClusterChecks.unreachableMaster("spark://127.0.0.1:1,127.0.0.1:" + master.getLocalPort()));
        }
        String line = ClusterChecks.unreachableMaster("spark://127.0.0.1:1");
        assertTrue(line.startsWith("cannot reach the Spark master spark://127.0.0.1:1 (127.0.0.1:1: "), line);
        assertNull(ClusterChecks.unreachableMaster("local[2]"), "nothing to reach in local mode");
        assertNull(ClusterChecks.unreachableMaster("yarn"), "a cluster manager the driver does not probe");
    }

    @Test
    void theJobsAskAndTheWorkersOfferAreOneLineEach() throws Exception {
        SparkConf conf = new SparkConf(false)
                .set("spark.executor.cores", "2")
                .set("spark.executor.memory", "4g")
                .set("spark.executor.resource.gpu.amount", "3")
                .set("spark.task.resource.gpu.amount", "1");
        assertEquals(
                "executors of 2 cores and 4g memory with 3 GPUs, 1 cores and 1 GPU per task",
                ClusterChecks.jobAsks(conf));
        String state = """
                {"workers": [
                  {"state": "ALIVE", "cores": 2, "coresfree": 2, "memory": 3072, "memoryfree": 2048,
                   "resources": {"gpu": {"name": "gpu", "addresses": ["0", "1"]}},
                   "resourcesfree": {"gpu": {"name": "gpu", "addresses": ["0"]}}},
                  {"state": "ALIVE", "cores": 2, "coresfree": 0, "memory": 3072, "memoryfree": 3072,
                   "resourcesfree": {}},
                  {"state": "DEAD", "cores": 8, "coresfree": 8, "memory": 9000, "memoryfree": 9000}]}
                """;
        assertEquals(
                "the cluster's 2 alive workers have 2 free cores, 5120 MB free memory and 1 free GPUs",
                ClusterChecks.describeWorkers(new ObjectMapper().readTree(state)));
    }

    @Test
    void anExecutorProbesTheOutputFolderByWritingAndReadingAFile(@TempDir Path folder) throws Exception {
        assertNull(ClusterChecks.probeOutput(Location.local(folder)));
        try (Stream<Path> left = Files.list(folder)) {
            assertEquals(0, left.count(), "the probe is removed");
        }
        String line = ClusterChecks.probeOutput(Location.local(Path.of("/proc/siren-sweep-probe")));
        assertTrue(
                line.startsWith("the executor on ") && line.contains(" cannot write in /proc/siren-sweep-probe ("),
                line);
        assertTrue(
                line.endsWith("--output must be a folder that the driver and every executor see: on a shared "
                        + "file system, HDFS or an object store"),
                line);
    }

    @Test
    void anExecutorGivesEachConcurrentTaskItsShareOfItsMemoryAndOverhead() {
        ExecutorMemory defaults = ExecutorMemory.forCluster(new SparkConf(false));
        assertEquals((1024L + 384) << 20, defaults.bytes());
        ExecutorMemory shared = ExecutorMemory.forCluster(new SparkConf(false)
                .set("spark.executor.memory", "8g")
                .set("spark.executor.cores", "4")
                .set("spark.task.cpus", "2"));
        assertEquals(((8192L + 819) << 20) / 2, shared.bytes(), 1 << 20);
        assertTrue(shared.source().contains("shared by 2 tasks at once"), shared.source());
        ExecutorMemory plain = ExecutorMemory.forCluster(
                new SparkConf(false).set("spark.executor.memory", "2048").set("spark.executor.memoryOverhead", "1g"));
        assertEquals(3L << 30, plain.bytes(), "a plain number is MiB, as Spark reads it");
    }
}
