package org.sirensweep.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.sirensweep.files.Location;

/**
 * What the driver checks of a cluster before a sweep trains, so that a misconfiguration is one line, early, instead
 * of Spark's retries and stack traces or a job that waits forever: the standalone master answers (a bounded
 * connect), an executor registers within a bound (else what the job asked for and what the cluster offers), and an
 * executor can write the output folder.
 */
public final class ClusterChecks {
    private static final Pattern MASTER_URL =
            Pattern.compile("local(\\[(\\d+|\\*)(,\\s*\\d+)?\\])?|(spark|k8s|mesos)://\\S+|yarn");
    /** Spark setting: seconds the driver waits for the first executor to register (default 60). */
    public static final String EXECUTOR_TIMEOUT = "spark.sirensweep.executorTimeout";
    /** Spark setting: the standalone master's web UI port, where the driver reads what the cluster offers. */
    public static final String MASTER_UI_PORT = "spark.sirensweep.masterUiPort";

    private static final Duration CONNECT = Duration.ofSeconds(3);

    private ClusterChecks() {}

    /** Null if {@code master} is null or a Spark master URL; else one line saying what it is not. */
    public static String notAMasterUrl(String master) {
        return master == null || MASTER_URL.matcher(master).matches()
                ? null
                : "'" + master + "' is not a Spark master "
                        + "URL (local, local[n], local[*], local[n,attempts], spark://host:port, yarn, k8s://...)";
    }

    /**
     * Null if {@code master} is not a standalone master or one of its addresses ({@code spark://host:port[,host:
     * port]}) accepts a connection within a few seconds; else one line saying which could not be reached and why.
     */
    public static String unreachableMaster(String master) {
        if (master == null || !master.startsWith("spark://")) {
            return null;
        }
        List<String> failures = new ArrayList<>();
        for (String address : addresses(master)) {
            int colon = address.lastIndexOf(':');
            int port;
            try {
                port = colon < 0 ? 7077 : Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                failures.add(address + ": not host:port");
                continue;
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host(address), port), (int) CONNECT.toMillis());
                return null;
            } catch (IOException e) {
                failures.add(
                        address + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
        }
        return "cannot reach the Spark master " + master + " (" + String.join("; ", failures) + "); check the "
                + "address, and that the master runs (its log says \"Starting Spark master at spark://HOST:PORT\")";
    }

    /** The {@code host:port} addresses of a standalone master URL, {@code spark://host:port[,host:port]}. */
    private static String[] addresses(String master) {
        return master.substring("spark://".length()).split(",");
    }

    /** The host of a {@code host[:port]} address. */
    private static String host(String address) {
        int colon = address.lastIndexOf(':');
        return colon < 0 ? address : address.substring(0, colon);
    }

    /** Executors registered with the driver now (its own entry in Spark's list left out). */
    static int executors(SparkContext sc) {
        return sc.statusTracker().getExecutorInfos().length - 1;
    }

    /** The bound on waiting for executors: {@link #EXECUTOR_TIMEOUT} seconds, 60 by default. */
    static long executorTimeoutSeconds(SparkConf conf) {
        return conf.getLong(EXECUTOR_TIMEOUT, 60);
    }

    /** What a task of the job gets and asks for, from its configuration: "2 cores, 1g memory, 1 GPU per task". */
    static String jobAsks(SparkConf conf) {
        StringBuilder text = new StringBuilder();
        text.append("executors of ")
                .append(conf.get("spark.executor.cores", "all of a worker's"))
                .append(" cores and ")
                .append(conf.get("spark.executor.memory", "1g"))
                .append(" memory");
        String executorGpus = conf.get("spark.executor.resource.gpu.amount", null);
        if (executorGpus != null) {
            text.append(" with ").append(executorGpus).append(" GPUs");
        }
        text.append(", ").append(conf.get("spark.task.cpus", "1")).append(" cores");
        String taskGpus = conf.get("spark.task.resource.gpu.amount", null);
        if (taskGpus != null) {
            text.append(" and ").append(taskGpus).append(" GPU");
        }
        return text.append(" per task").toString();
    }

    /**
     * Waits until an executor has registered or {@link #EXECUTOR_TIMEOUT} passes; in local mode the driver is the
     * executor, and with dynamic allocation executors start only once work is there. Returns null, or one line
     * saying that none registered, what the job asked for and what the standalone master says its workers offer.
     */
    static String awaitExecutors(SparkContext sc) {
        if (sc.isLocal() || sc.getConf().getBoolean("spark.dynamicAllocation.enabled", false)) {
            return null;
        }
        long seconds = executorTimeoutSeconds(sc.getConf());
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < deadline) {
            if (executors(sc) > 0) {
                return null;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted while waiting for executors";
            }
        }
        return "no executor registered within " + seconds + " s (" + EXECUTOR_TIMEOUT + "): the job asks for "
                + jobAsks(sc.getConf()) + "; " + clusterOffers(sc.master(), sc.getConf());
    }

    /**
     * Run on an executor: null if it can write, read back and remove a file in {@code folder}; else one line naming
     * the executor's host, the folder and why.
     */
    static String probeOutput(Location folder) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "an unnamed host";
        }
        Location probe = folder.resolve("_probe-" + UUID.randomUUID());
        try {
            byte[] written = host.getBytes(StandardCharsets.UTF_8);
            probe.overwrite(written);
            boolean same = Arrays.equals(written, probe.readAllBytes());
            probe.delete();
            return same ? null : "the executor on " + host + " read back another file than it wrote in " + folder;
        } catch (IOException | RuntimeException e) {
            return "the executor on " + host + " cannot write in " + folder + " ("
                    + e.getClass().getSimpleName()
                    + ": " + e.getMessage().lines().findFirst().orElse("")
                    + "); --output must be a folder that the driver "
                    + "and every executor see: on a shared file system, HDFS or an object store";
        }
    }

    /** What the standalone master's alive workers have free, from its web UI's JSON; or why that is unknown. */
    static String clusterOffers(String master, SparkConf conf) {
        if (!master.startsWith("spark://")) {
            return "see the cluster manager for what its nodes offer";
        }
        String ui = "http://" + host(addresses(master)[0]) + ":" + conf.getInt(MASTER_UI_PORT, 8080) + "/json/";
        try {
            URLConnection connection = new URL(ui).openConnection();
            connection.setConnectTimeout((int) CONNECT.toMillis());
            connection.setReadTimeout((int) CONNECT.toMillis());
            JsonNode state;
            try (InputStream in = connection.getInputStream()) {
                state = new ObjectMapper().readTree(in);
            }
            return describeWorkers(state);
        } catch (IOException | RuntimeException e) {
            return "what the workers offer is unknown (" + ui + " did not answer; set " + MASTER_UI_PORT
                    + " to the master's web UI port)";
        }
    }

    /** "the cluster's 2 alive workers have 4 free cores, 6144 MB free memory and 0 free GPUs". */
    static String describeWorkers(JsonNode state) {
        int alive = 0;
        long cores = 0;
        long memory = 0;
        long gpus = 0;
        for (JsonNode worker : state.path("workers")) {
            if (!"ALIVE".equals(worker.path("state").asText())) {
                continue;
            }
            alive++;
            cores += worker.path("coresfree").asLong();
            memory += worker.path("memoryfree").asLong();
            gpus += worker.path("resourcesfree").path("gpu").path("addresses").size();
        }
        return String.format(
                Locale.ROOT,
                "the cluster's %d alive workers have %d free cores, %d MB free memory and " + "%d free GPUs",
                alive,
                cores,
                memory,
                gpus);
    }
}
