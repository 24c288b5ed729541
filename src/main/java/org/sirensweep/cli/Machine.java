package org.sirensweep.cli;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;

/** Facts about the machine a result was produced on, for result files. */
final class Machine {
    private Machine() {}

    static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown";
        }
        m.put("host", host);
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.version"));
        m.put("nd4j_backend", Nd4j.getBackend().getClass().getSimpleName());
        m.put("blas", String.valueOf(Nd4j.factory().blas().getBlasVendor()));
        m.put("nd4j_threads", Nd4j.getEnvironment().maxMasterThreads());
        return m;
    }
}
