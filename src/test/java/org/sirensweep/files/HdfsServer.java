package org.sirensweep.files;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/** HDFS for tests: Hadoop's in-process MiniDFSCluster, one namenode and one datanode on loopback. */
public final class HdfsServer implements AutoCloseable {
    private final MiniDFSCluster cluster;

    private HdfsServer(MiniDFSCluster cluster) {
        this.cluster = cluster;
    }

    /** Starts a cluster keeping its blocks and metadata under {@code folder}. */
    public static HdfsServer start(Path folder) throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, folder.toAbsolutePath().toString());
        conf.set("dfs.permissions.enabled", "true");
        return new HdfsServer(new MiniDFSCluster.Builder(conf).numDataNodes(1).build());
    }

    /** The namenode's URI, e.g. {@code hdfs://localhost:40123}. */
    public String uri() {
        return "hdfs://localhost:" + cluster.getNameNodePort();
    }

    @Override
    public void close() {
        cluster.shutdown();
    }
}
