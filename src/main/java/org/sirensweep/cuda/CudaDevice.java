package org.sirensweep.cuda;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A GPU through the node's CUDA ({@link CudaLibraries}): its primary context (made current on every call, so any
 * thread may use it), one stream for all work, the engine's kernels compiled by NVRTC for its architecture (once per
 * process and architecture), and a cuBLAS handle with its own workspace. Devices are numbered in PCI bus order, as
 * nvidia-smi and Spark's discovery script number them (CUDA's own default order puts the fastest first).
 */
public final class CudaDevice implements Device {
    /** Device memory a device takes besides the engine's buffers: cuBLAS's workspace. */
    public static final long WORKSPACE_BYTES = Cublas.WORKSPACE_BYTES;
    /** Threads per block of a kernel launch. */
    private static final int THREADS = 256;
    /** Compiled kernel images, by target architecture: NVRTC runs once per process and architecture. */
    private static final Map<Nvrtc.Target, byte[]> IMAGES = new HashMap<>();
    private static CudaLibraries libraries;

    private final CudaDriver driver;
    private final int ordinal;
    private final int device;
    private final Pointer context;
    private final Pointer stream;
    private final Pointer module;
    private final Map<String, Pointer> functions = new HashMap<>();
    private final long cublasWorkspace;
    private final Cublas cublas;
    private final int maxBlocks;
    private final String description;

    /**
     * Opens GPU {@code ordinal} (PCI bus order) with float32 products, or TF32 tensor-core products if {@code tf32}.
     * A node without CUDA, or without that GPU, gets a {@link CudaUnavailableException}.
     */
    public static CudaDevice open(int ordinal, boolean tf32) {
        CudaLibraries libs = libraries();
        return new CudaDevice(libs, ordinal, tf32);
    }

    /** The node's CUDA libraries, loaded and the driver initialised once per process. */
    static synchronized CudaLibraries libraries() {
        if (libraries == null) {
            CudaLibraries loaded = CudaLibraries.load();
            CudaDriver driver = new CudaDriver(loaded.driver());
            try {
                driver.init();
            } catch (CudaException e) {
                throw new CudaUnavailableException("the CUDA driver is there but no GPU can be used: " + e.getMessage());
            }
            libraries = loaded;
        }
        return libraries;
    }

    /** The GPUs of this node, in PCI bus order: their CUDA device handles. */
    static List<Integer> devicesInPciOrder(CudaDriver driver) {
        List<int[]> devices = new ArrayList<>();
        for (int i = 0; i < driver.deviceCount(); i++) {
            int d = driver.device(i);
            devices.add(new int[] {d, driver.attribute(d, CudaDriver.PCI_DOMAIN_ID),
                    driver.attribute(d, CudaDriver.PCI_BUS_ID), driver.attribute(d, CudaDriver.PCI_DEVICE_ID)});
        }
        devices.sort(Comparator.<int[]>comparingInt(d -> d[1]).thenComparingInt(d -> d[2]).thenComparingInt(d -> d[3]));
        return devices.stream().map(d -> d[0]).toList();
    }

    /** The number of GPUs this node's CUDA sees (0 where CUDA cannot be used). */
    public static int count() {
        try {
            return new CudaDriver(libraries().driver()).deviceCount();
        } catch (CudaUnavailableException | CudaException e) {
            return 0;
        }
    }

    private CudaDevice(CudaLibraries libs, int ordinal, boolean tf32) {
        this.driver = new CudaDriver(libs.driver());
        this.ordinal = ordinal;
        List<Integer> devices = devicesInPciOrder(driver);
        if (ordinal < 0 || ordinal >= devices.size()) {
            throw new CudaUnavailableException("GPU " + ordinal + " was asked for, but this node has " + devices.size()
                    + " (numbered 0.." + (devices.size() - 1) + " in PCI bus order, as nvidia-smi numbers them)");
        }
        device = devices.get(ordinal);
        context = driver.retainPrimaryContext(device);
        int major;
        int minor;
        try {
            major = driver.attribute(device, CudaDriver.COMPUTE_CAPABILITY_MAJOR);
            minor = driver.attribute(device, CudaDriver.COMPUTE_CAPABILITY_MINOR);
            Nvrtc nvrtc = new Nvrtc(libs.nvrtc());
            Nvrtc.Target target = Nvrtc.target(major, minor, nvrtc.supportedArchitectures());
            module = driver.loadModule(image(nvrtc, target));
            // Every function looked up now: no driver call but launches while a step is being recorded.
            KernelSource.KERNELS.forEach(name -> functions.put(name, driver.function(module, name)));
            stream = driver.createStream();
            cublasWorkspace = driver.allocate(Cublas.WORKSPACE_BYTES);
            cublas = new Cublas(libs.cublas(), stream, cublasWorkspace, tf32);
        } catch (RuntimeException e) {
            driver.releasePrimaryContext(device); // what the context holds goes with it
            throw e;
        }
        maxBlocks = 32 * driver.attribute(device, CudaDriver.MULTIPROCESSOR_COUNT);
        description = String.format(Locale.ROOT, "%s (GPU %d, sm_%d%d, PCI %s, %s products, CUDA %d)",
                driver.name(device), ordinal, major, minor, driver.pciBusId(device), tf32 ? "TF32" : "float32",
                libs.cudaMajor());
    }

    /** The kernels for {@code target}, compiled once per process. */
    private static byte[] image(Nvrtc nvrtc, Nvrtc.Target target) {
        synchronized (IMAGES) {
            return IMAGES.computeIfAbsent(target, t -> nvrtc.compile(KernelSource.text(), "kernels.cu", t,
                    KernelSource.OPTIONS));
        }
    }

    @Override
    public String describe() {
        return description;
    }

    /** This device's number in PCI bus order. */
    public int ordinal() {
        return ordinal;
    }

    @Override
    public long allocate(long bytes) {
        driver.setCurrent(context);
        long address = driver.allocate(Math.max(bytes, 4));
        driver.zeroAsync(address, Math.max(bytes, 4), stream);
        return address;
    }

    @Override
    public void free(long address) {
        driver.setCurrent(context);
        driver.synchronize(stream);
        driver.free(address);
    }

    @Override
    public long freeMemory() {
        driver.setCurrent(context);
        return driver.memoryInfo()[0];
    }

    @Override
    public void upload(long address, float[] values) {
        Memory host = new Memory(Math.max(4L, (long) Float.BYTES * values.length));
        host.write(0, values, 0, values.length);
        copyIn(address, host, (long) Float.BYTES * values.length);
    }

    @Override
    public void upload(long address, int[] values) {
        Memory host = new Memory(Math.max(4L, (long) Integer.BYTES * values.length));
        host.write(0, values, 0, values.length);
        copyIn(address, host, (long) Integer.BYTES * values.length);
    }

    @Override
    public void upload(long address, double[] values) {
        Memory host = new Memory(Math.max(8L, (long) Double.BYTES * values.length));
        host.write(0, values, 0, values.length);
        copyIn(address, host, (long) Double.BYTES * values.length);
    }

    /** Copies in stream order; a copy from pageable memory has left {@code host} when the call returns. */
    private void copyIn(long address, Memory host, long bytes) {
        if (bytes > 0) {
            driver.setCurrent(context);
            driver.copyToDeviceAsync(address, host, bytes, stream);
        }
    }

    private Memory copyOut(long address, long bytes) {
        Memory host = new Memory(Math.max(8L, bytes));
        driver.setCurrent(context);
        if (bytes > 0) {
            driver.copyToHostAsync(host, address, bytes, stream);
        }
        driver.synchronize(stream);
        return host;
    }

    @Override
    public float[] downloadFloats(long address, int count) {
        return copyOut(address, (long) Float.BYTES * count).getFloatArray(0, count);
    }

    @Override
    public double[] downloadDoubles(long address, int count) {
        return copyOut(address, (long) Double.BYTES * count).getDoubleArray(0, count);
    }

    @Override
    public void launch(String name, long items, Object... arguments) {
        driver.setCurrent(context);
        Pointer function = functions.get(name);
        if (function == null) {
            throw new IllegalArgumentException("no kernel " + name + " in " + KernelSource.RESOURCE);
        }
        Memory values = new Memory(8L * Math.max(1, arguments.length));
        Memory pointers = new Memory((long) Native.POINTER_SIZE * Math.max(1, arguments.length));
        for (int i = 0; i < arguments.length; i++) {
            long at = 8L * i;
            Object argument = arguments[i];
            if (argument instanceof Long l) {
                values.setLong(at, l);
            } else if (argument instanceof Integer n) {
                values.setInt(at, n);
            } else if (argument instanceof Float f) {
                values.setFloat(at, f);
            } else if (argument instanceof Double d) {
                values.setDouble(at, d);
            } else {
                throw new IllegalArgumentException("kernel " + name + ": argument " + i + " is a "
                        + argument.getClass().getSimpleName() + ", not a long, int, float or double");
            }
            pointers.setPointer((long) Native.POINTER_SIZE * i, values.share(at));
        }
        long wanted = (items + THREADS - 1) / THREADS;
        int blocks = (int) Math.max(1, Math.min(wanted, maxBlocks));
        driver.launch(function, blocks, THREADS, stream, pointers);
    }

    @Override
    public void gemm(boolean transposeA, boolean transposeB, int m, int n, int k, long a, int lda, long strideA, long b,
                     int ldb, long strideB, boolean accumulate, long c, int ldc, long strideC, int count) {
        driver.setCurrent(context);
        cublas.gemm(transposeA, transposeB, m, n, k, a, lda, strideA, b, ldb, strideB, accumulate, c, ldc, strideC,
                count);
    }

    @Override
    public Graph capture(Runnable work) {
        driver.setCurrent(context);
        driver.beginCapture(stream);
        Pointer graph;
        try {
            work.run();
        } finally {
            graph = driver.endCapture(stream);
        }
        Pointer exec = driver.instantiate(graph);
        return new Graph() {
            @Override
            public void launch() {
                driver.setCurrent(context);
                driver.launchGraph(exec, stream);
            }

            @Override
            public void close() {
                driver.setCurrent(context);
                driver.synchronize(stream);
                driver.destroyGraphExec(exec);
                driver.destroyGraph(graph);
            }
        };
    }

    @Override
    public void close() {
        driver.setCurrent(context);
        driver.synchronize(stream);
        cublas.close();
        driver.free(cublasWorkspace);
        driver.destroyStream(stream);
        driver.unloadModule(module);
        driver.releasePrimaryContext(device);
    }
}
