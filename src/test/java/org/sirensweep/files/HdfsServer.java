package org.sirensweep.files;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * HDFS for tests: Hadoop's in-process MiniDFSCluster, one namenode and one datanode on loopback, which can be stopped
 * and started again (a file system that goes away for a while).
 */
public final class HdfsServer implements AutoCloseable {
    private final MiniDFSCluster cluster;
    private MiniDFSCluster.DataNodeProperties stoppedDataNode;

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

    /** Stops the namenode and the datanode: the file system is gone until {@link #startAgain()}. */
    public void stop() {
        stoppedDataNode = cluster.stopDataNode(0);
        cluster.shutdownNameNode(0);
    }

    /** Starts the namenode and the datanode again after {@link #stop()}, on their ports, with their files. */
    public void startAgain() throws IOException {
        cluster.restartNameNode(0, false);
        cluster.restartDataNode(stoppedDataNode, true);
        cluster.waitActive();
    }

    @Override
    public void close() {
        cluster.shutdown();
    }
}
