package org.sirensweep.files;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An S3-compatible server for tests: S3Proxy (from Maven Central, copied to {@code target/test-servers} by the
 * build) in a process of its own, storing buckets as folders under a temporary folder. Clients reach it through
 * {@code s3a://} with {@link #settings()}. It can be stopped and started again on the same port and folder (a store
 * that goes away for a while).
 */
public final class S3Server implements AutoCloseable {
    public static final String BUCKET = "sweeps";
    private static final String IDENTITY = "local-identity";
    private static final String CREDENTIAL = "local-credential";

    private final List<String> command;
    private final Path folder;
    private final int port;
    private final Path store;
    private Process process;

    private S3Server(List<String> command, Path folder, int port, Path store) {
        this.command = command;
        this.folder = folder;
        this.port = port;
        this.store = store;
    }

    /** Starts a server with one bucket, {@link #BUCKET}, whose objects are files under {@code folder}. */
    public static S3Server start(Path folder) throws IOException, InterruptedException {
        Path jar = Path.of("target/test-servers/s3proxy.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the build copies it (mvn process-test-resources)");
        }
        Path store = Files.createDirectories(folder.resolve("objects"));
        Files.createDirectories(store.resolve(BUCKET));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path properties = folder.resolve("s3proxy.properties");
        Files.writeString(
                properties,
                String.join(
                                "\n",
                                "s3proxy.endpoint=http://127.0.0.1:" + port,
                                "s3proxy.authorization=aws-v2-or-v4",
                                "s3proxy.identity=" + IDENTITY,
                                "s3proxy.credential=" + CREDENTIAL,
                                "jclouds.provider=filesystem",
                                "jclouds.filesystem.basedir=" + store)
                        + "\n");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                jar.toString(),
                "--properties",
                properties.toString()));
        S3Server server = new S3Server(command, folder, port, store);
        server.startAgain();
        return server;
    }

    /** Starts the server again after {@link #close()}, on the same port, with the same objects. */
    public void startAgain() throws IOException, InterruptedException {
        Path log = folder.resolve("s3proxy.log");
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!answers()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                close();
                throw new IOException("S3Proxy did not start: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    private boolean answers() {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/").openConnection();
            c.setConnectTimeout(500);
            return c.getResponseCode() > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** The {@code spark.hadoop.*} settings that take s3a to this server, as {@code --conf} would give them. */
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:" + port);
        s.put("spark.hadoop.fs.s3a.endpoint.region", "us-east-1");
        s.put("spark.hadoop.fs.s3a.path.style.access", "true");
        s.put("spark.hadoop.fs.s3a.connection.ssl.enabled", "false");
        s.put("spark.hadoop.fs.s3a.access.key", IDENTITY);
        s.put("spark.hadoop.fs.s3a.secret.key", CREDENTIAL);
        s.put("spark.hadoop.fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        return s;
    }

    /** {@link #settings()} as command-line arguments: {@code --conf key=value} each. */
    public List<String> confArguments() {
        List<String> args = new ArrayList<>();
        settings().forEach((k, v) -> {
            args.add("--conf");
            args.add(k + "=" + v);
        });
        return args;
    }

    /** The folder where the server keeps bucket {@link #BUCKET}'s objects (to look at them from the outside). */
    public Path bucketFolder() {
        return store.resolve(BUCKET);
    }

    /** Kills the server (SIGKILL): its clients' connections are refused, until {@link #startAgain()} if at all. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
