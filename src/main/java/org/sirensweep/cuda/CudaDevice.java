package org.sirensweep.cuda;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.lang.ref.Reference;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A GPU through the node's CUDA ({@link CudaLibraries}): its primary context (made current on every call, so any
 * thread may use it), one stream for all work, the engine's kernels compiled by NVRTC for its architecture (once per
 * process and architecture), and a cuBLAS handle with its own workspace. GPUs are numbered as nvidia-smi and Spark's
 * discovery script number them ({@link GpuNumbering}), whatever {@code CUDA_VISIBLE_DEVICES} hides from CUDA.
 *
 * <p>Work recorded as a graph ({@link #capture}) is a CUDA graph, replayed with one launch; with graphs off ({@value
 * #GRAPHS_VARIABLE}{@code =off}) a "graph" issues its work again at every launch, so a problem with CUDA's graphs
 * does not stop a training.
 */
public final class CudaDevice implements Device {
    /** Device memory a device takes besides the engine's buffers: cuBLAS's workspace. */
    public static final long WORKSPACE_BYTES = Cublas.WORKSPACE_BYTES;
    /** The variable that turns CUDA graphs off ({@code off}, {@code 0} or {@code false}); on by default. */
    public static final String GRAPHS_VARIABLE = "SIREN_SWEEP_CUDA_GRAPHS";
    /** Threads per block of a kernel launch. */
    static final int THREADS = 256;
    /** Compiled kernel images, by target architecture: NVRTC runs once per process and architecture. */
    private static final Map<Nvrtc.Target, byte[]> IMAGES = new HashMap<>();

    private static CudaLibraries libraries;

    private final CudaDriver driver;
    private final int gpu;
    private final int device;
    private final boolean graphs;
    private final Pointer context;
    private final Pointer stream;
    private final Pointer module;
    private final Map<String, Function> functions = new HashMap<>();
    private final long cublasWorkspace;
    private final Cublas cublas;
    private final int maxBlocks;
    private final String description;

    /** A kernel of the loaded module: the driver's handle and its declaration. */
    private record Function(Pointer handle, Kernel kernel) {}

    /**
     * Opens GPU {@code gpu} (nvidia-smi's number) with float32 products, or TF32 tensor-core products if {@code
     * tf32}; with CUDA graphs if {@code graphs}, else launching each step's work one call at a time. A node without
     * CUDA, or without that GPU, gets a {@link CudaUnavailableException}.
     */
    public static CudaDevice open(int gpu, boolean tf32, boolean graphs) {
        return new CudaDevice(libraries(), gpu, tf32, graphs);
    }

    /** {@link #open(int, boolean, boolean)} with the libraries given (the tests' stand-in CUDA). */
    static CudaDevice open(CudaLibraries libs, int gpu, boolean tf32, boolean graphs) {
        return new CudaDevice(libs, gpu, tf32, graphs);
    }

    /** Whether this process's environment leaves CUDA graphs on ({@value #GRAPHS_VARIABLE} unset or not off). */
    public static boolean graphsFromEnvironment() {
        return graphsWanted(System.getenv(GRAPHS_VARIABLE));
    }

    /** Whether a {@value #GRAPHS_VARIABLE} value leaves graphs on: anything but {@code off}, {@code 0}, {@code false}. */
    static boolean graphsWanted(String value) {
        return value == null
                || !List.of("off", "0", "false", "no").contains(value.strip().toLowerCase(Locale.ROOT));
    }

    /**
     * The node's CUDA libraries, loaded and the driver initialised once per process; a node where CUDA cannot be
     * used throws a {@link CudaUnavailableException} whose one line says what is missing.
     */
    public static synchronized CudaLibraries libraries() {
        if (libraries == null) {
            CudaLibraries loaded = CudaLibraries.load();
            initialise(loaded);
            libraries = loaded;
        }
        return libraries;
    }

    /** Initialises the driver of {@code libs}; a node where it cannot be used is one line. */
    static void initialise(CudaLibraries libs) {
        try {
            new CudaDriver(libs.driver()).init();
        } catch (CudaException e) {
            throw new CudaUnavailableException("the CUDA driver is there but no GPU can be used: " + e.getMessage());
        }
    }

    /** The numbers (nvidia-smi's) of the GPUs this process can use; none where CUDA cannot be used. */
    public static List<Integer> gpus() {
        try {
            return usableGpus();
        } catch (CudaUnavailableException | CudaException e) {
            return List.of();
        }
    }

    /** As {@link #gpus()}, but a node where CUDA cannot be used throws, saying why. */
    public static List<Integer> usableGpus() {
        return gpus(libraries());
    }

    static List<Integer> gpus(CudaLibraries libs) {
        return GpuNumbering.of(new CudaDriver(libs.driver()), libs.nvml()).usable();
    }

    private CudaDevice(CudaLibraries libs, int gpu, boolean tf32, boolean graphs) {
        this.driver = new CudaDriver(libs.driver());
        this.gpu = gpu;
        this.graphs = graphs;
        this.device = GpuNumbering.of(driver, libs.nvml()).cudaDevice(gpu);
        // Each step's resource is released if a later one fails: a long-lived executor keeps its context, so
        // whatever a failed open left there would stay for the life of the process.
        Pointer openedContext = null;
        Pointer openedModule = null;
        Pointer openedStream = null;
        long workspace = 0;
        Cublas handle = null;
        try {
            openedContext = driver.retainPrimaryContext(device);
            int major = driver.attribute(device, CudaDriver.COMPUTE_CAPABILITY_MAJOR);
            int minor = driver.attribute(device, CudaDriver.COMPUTE_CAPABILITY_MINOR);
            Nvrtc.Target target = Nvrtc.target(major, minor, libs.nvrtc().supportedArchitectures());
            openedModule = driver.loadModule(image(libs.nvrtc(), target));
            // Every function looked up now: no driver call but launches while a step is being recorded.
            for (Kernel kernel : KernelSource.KERNELS) {
                functions.put(kernel.name(), new Function(driver.function(openedModule, kernel.name()), kernel));
            }
            openedStream = driver.createStream();
            workspace = driver.allocate(Cublas.WORKSPACE_BYTES);
            handle = new Cublas(libs.cublas(), openedStream, workspace, tf32);
            maxBlocks = 32 * driver.attribute(device, CudaDriver.MULTIPROCESSOR_COUNT);
            description = String.format(
                    Locale.ROOT,
                    "%s (GPU %d, sm_%d%d, PCI %s, %s products, %s, CUDA %d)",
                    driver.name(device),
                    gpu,
                    major,
                    minor,
                    driver.pciBusId(device),
                    tf32 ? "TF32" : "float32",
                    graphs ? "graphs" : "no graphs",
                    libs.cudaMajor());
        } catch (RuntimeException e) {
            release(e, handle, workspace, openedStream, openedModule, openedContext);
            throw e;
        }
        context = openedContext;
        module = openedModule;
        stream = openedStream;
        cublasWorkspace = workspace;
        cublas = handle;
    }

    /**
     * Releases what an open made, each step on its own so that one failure does not keep the rest: the cuBLAS
     * handle, the workspace, the stream, the module and the context reference (null or 0: not made). A failure is
     * added to {@code failure} if there is one, else thrown after the rest is released.
     */
    private void release(
            RuntimeException failure, Cublas handle, long workspace, Pointer stream, Pointer module, Pointer context) {
        RuntimeException first = failure;
        List<Runnable> steps = List.of(
                () -> {
                    if (handle != null) {
                        handle.close();
                    }
                },
                () -> {
                    if (workspace != 0) {
                        driver.free(workspace);
                    }
                },
                () -> {
                    if (stream != null) {
                        driver.destroyStream(stream);
                    }
                },
                () -> {
                    if (module != null) {
                        driver.unloadModule(module);
                    }
                },
                () -> {
                    if (context != null) {
                        driver.releasePrimaryContext(device);
                    }
                });
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (failure == null && first != null) {
            throw first;
        }
    }

    /** The kernels for {@code target}, compiled once per process. */
    private static byte[] image(Nvrtc nvrtc, Nvrtc.Target target) {
        synchronized (IMAGES) {
            return IMAGES.computeIfAbsent(
                    target, t -> nvrtc.compile(KernelSource.text(), "kernels.cu", t, KernelSource.OPTIONS));
        }
    }

    @Override
    public String describe() {
        return description;
    }

    /** This device's number, as nvidia-smi numbers the node's GPUs. */
    public int gpu() {
        return gpu;
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
            try {
                driver.copyToDeviceAsync(address, host, bytes, stream);
            } finally {
                Reference.reachabilityFence(host);
            }
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
        Function function = functions.get(name);
        if (function == null) {
            throw new IllegalArgumentException("no kernel " + name + " in " + KernelSource.RESOURCE);
        }
        KernelArguments packed = KernelArguments.pack(function.kernel(), arguments);
        driver.setCurrent(context);
        try {
            driver.launch(function.handle(), blocks(items, maxBlocks), THREADS, stream, packed.pointers());
        } finally {
            Reference.reachabilityFence(packed); // CUDA reads the arguments during the call
        }
    }

    /** The blocks of {@value #THREADS} threads a launch over {@code items} items gets: one item a thread, up to a cap. */
    static int blocks(long items, int maxBlocks) {
        long wanted = (items + THREADS - 1) / THREADS;
        return (int) Math.max(1, Math.min(wanted, maxBlocks));
    }

    @Override
    public void gemm(
            boolean transposeA,
            boolean transposeB,
            int m,
            int n,
            int k,
            long a,
            int lda,
            long strideA,
            long b,
            int ldb,
            long strideB,
            boolean accumulate,
            long c,
            int ldc,
            long strideC,
            int count) {
        driver.setCurrent(context);
        cublas.gemm(
                transposeA, transposeB, m, n, k, a, lda, strideA, b, ldb, strideB, accumulate, c, ldc, strideC, count);
    }

    @Override
    public Graph capture(Runnable work) {
        if (!graphs) {
            return new Graph() {
                @Override
                public void launch() {
                    work.run();
                }

                @Override
                public void close() {}
            };
        }
        driver.setCurrent(context);
        driver.beginCapture(stream);
        try {
            work.run();
        } catch (RuntimeException | Error e) {
            abandonCapture(e);
            throw e;
        }
        Pointer graph = driver.endCapture(stream);
        Pointer exec;
        try {
            exec = driver.instantiate(graph);
        } catch (RuntimeException e) {
            driver.destroyGraph(graph);
            throw e;
        }
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

    /**
     * Ends a capture that {@code cause} broke off, keeping {@code cause} the error to report: a failure inside a
     * capture invalidates it, and ending it then fails too ({@code CUDA_ERROR_STREAM_CAPTURE_INVALIDATED}, no graph);
     * a capture that CUDA did not invalidate ends with a graph, destroyed here.
     */
    private void abandonCapture(Throwable cause) {
        try {
            Pointer graph = driver.endCapture(stream);
            if (graph != null) {
                driver.destroyGraph(graph);
            }
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public void close() {
        driver.setCurrent(context);
        RuntimeException failure = null;
        try {
            driver.synchronize(stream);
        } catch (RuntimeException e) {
            failure = e;
        }
        release(failure, cublas, cublasWorkspace, stream, module, context);
        if (failure != null) {
            throw failure;
        }
    }
}
