package org.sirensweep.cuda;

import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.sirensweep.TestPython;

/**
 * A CUDA for the tests, on the CPU: the fake driver, cuBLAS and NVML of {@code fake-cuda.c} (built by {@link
 * HostKernels} with the engine's kernels) under the sonames {@link CudaLibraries} looks for, beside the real NVRTC
 * of the tests' Python environment (CUDA 13's pip package), so that {@link CudaDevice} runs its real code over JNA:
 * the launches' packed arguments and grids, cuBLAS's operation codes and strides, graphs recorded and replayed. Its
 * products are OpenBLAS's, as the CPU engine makes them, so a training on it ends with the CPU engine's bits.
 *
 * <p>The fake is one node for the whole test JVM: {@link #configure} sets it up (call {@link #reset} first in a
 * test that opens devices), and its counters show what is alive.
 */
public final class FakeCuda {
    /** A driver for CUDA 13.0, as cuDriverGetVersion reports it. */
    public static final int CUDA_13 = 13000;

    private static CudaLibraries libraries;

    private FakeCuda() {}

    /** {@link #folder()} as a string, for a process of its own to find the stand-in CUDA in. */
    public static String folderForIt() {
        return folder().toAbsolutePath().toString();
    }

    /** The fake's libraries under CUDA's sonames, with the real NVRTC: {@code target/host-kernels/cuda}. */
    static synchronized Path folder() {
        return folder(
                "cuda", List.of("libcuda.so.1", "libcublasLt.so.13", "libcublas.so.13", "libnvidia-ml.so.1"), true);
    }

    /**
     * A folder {@code name} beside the fake with it under {@code sonames} and, if {@code nvrtc}, the real NVRTC 13
     * and its builtins (as {@code libnvrtc.so.13}, and as {@code libnvrtc.so.12} where a {@code .12} name is asked
     * for: the lookup only needs a loadable NVRTC by that name).
     */
    static Path folder(String name, List<String> sonames, boolean nvrtc) {
        Path built = HostKernels.get().file();
        Path folder = built.resolveSibling(name);
        try {
            Files.createDirectories(folder);
            for (String soname : sonames) {
                link(folder.resolve(soname), built);
            }
            if (nvrtc) {
                Path real = realNvrtc();
                link(folder.resolve("libnvrtc.so.13"), real);
                if (sonames.stream().anyMatch(s -> s.endsWith(".12"))) {
                    link(folder.resolve("libnvrtc.so.12"), real);
                }
                try (Stream<Path> beside = Files.list(real.getParent())) {
                    for (Path builtin : beside.filter(
                                    f -> f.getFileName().toString().startsWith("libnvrtc-builtins.so."))
                            .toList()) {
                        link(folder.resolve(builtin.getFileName()), builtin);
                    }
                }
            }
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void link(Path link, Path target) throws IOException {
        if (!Files.isSymbolicLink(link)) {
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, target.toAbsolutePath());
        }
    }

    /** CUDA 13's NVRTC from the tests' Python environment (src/test/python/requirements.txt installs it). */
    static Path realNvrtc() throws IOException {
        Path venv =
                Path.of(TestPython.executable()).toAbsolutePath().getParent().getParent();
        try (Stream<Path> files = Files.walk(venv.resolve("lib"))) {
            return files.filter(f -> f.getFileName().toString().equals("libnvrtc.so.13"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "no libnvrtc.so.13 in " + venv + " (src/test/python/requirements.txt installs it)"));
        }
    }

    /** The fake node's libraries, loaded once (as a node's are once per process). */
    static synchronized CudaLibraries libraries() {
        if (libraries == null) {
            libraries = load(folder());
            reset();
        }
        return libraries;
    }

    /**
     * The libraries of {@code folder}, as {@link CudaLibraries#load} finds them there. JNA also keeps each library
     * it loads under its file name, so a later lookup of {@code libcuda.so.1} by name anywhere in the test JVM would
     * find the fake: those names are dropped from JNA's cache, and the process-wide lookup ({@link
     * CudaDevice#libraries()}) still finds what this machine has.
     */
    static CudaLibraries load(Path folder) {
        try {
            return CudaLibraries.load(List.of(folder), false);
        } finally {
            forgetNames(folder);
        }
    }

    private static void forgetNames(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            List<String> names = files.map(f -> f.getFileName().toString()).toList();
            Field field = NativeLibrary.class.getDeclaredField("libraries");
            field.setAccessible(true);
            Map<?, ?> cache = (Map<?, ?>) field.get(null);
            synchronized (cache) {
                cache.keySet()
                        .removeIf(key ->
                                names.stream().anyMatch(name -> key.toString().startsWith(name + "{")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("JNA's library cache is not where this JNA was known to keep it", e);
        }
    }

    private static NativeLibrary fake() {
        return HostKernels.get().library();
    }

    /**
     * The node: {@code gpus} GPUs of which CUDA sees {@code visible} (their NVML numbers, in CUDA's order, as {@code
     * CUDA_VISIBLE_DEVICES} would list them), a driver for CUDA {@code driverVersion} (e.g. 12080), products by the
     * CPU engine's OpenBLAS. What was alive is forgotten; the driver is initialised again if a GPU is visible.
     */
    public static void configure(int gpus, int[] visible, int driverVersion) {
        libraries();
        Memory seen = new Memory(4L * Math.max(1, visible.length));
        seen.write(0, visible, 0, visible.length);
        fake().getFunction("fake_configure").invokeVoid(new Object[] {gpus, seen, visible.length, driverVersion});
        Loader.load(openblas_nolapack.class);
        Pointer sgemm = new Pointer(Loader.addressof("cblas_sgemm").address());
        fake().getFunction("fake_set_sgemm").invokeVoid(new Object[] {sgemm});
        if (visible.length > 0) {
            CudaDevice.initialise(libraries);
        }
    }

    /** One GPU, seen by CUDA, a CUDA 13 driver: the node every device test starts from. */
    public static void reset() {
        configure(1, new int[] {0}, CUDA_13);
    }

    /** Products by the fake's own loop (another rounding than OpenBLAS's, as a GPU's products have). */
    public static void ownProducts() {
        fake().getFunction("fake_set_sgemm").invokeVoid(new Object[] {Pointer.NULL});
    }

    /** GPU 0 of a fresh node ({@link #reset}), with float32 products and CUDA graphs. */
    public static CudaDevice open() {
        return open(true);
    }

    /** GPU 0 of a fresh node ({@link #reset}), with float32 products, with CUDA graphs or without. */
    public static CudaDevice open(boolean graphs) {
        reset();
        return openAsIs(graphs);
    }

    /** GPU 0 of the node as it is now (as {@link #configure} or {@link #ownProducts} left it). */
    public static CudaDevice openAsIs(boolean graphs) {
        return CudaDevice.open(libraries(), 0, false, graphs);
    }

    /** The next call of {@code name} fails with {@code code}. */
    static void failNext(String name, int code) {
        fake().getFunction("fake_fail_next").invokeVoid(new Object[] {name, code});
    }

    /** Bytes of device memory allocated and not freed. */
    public static long allocatedBytes() {
        return fake().getFunction("fake_allocated_bytes").invokeLong(new Object[0]);
    }

    /** Streams, modules, graphs, graph executables, cuBLAS handles and context references alive. */
    public static long liveObjects() {
        return fake().getFunction("fake_live_objects").invokeLong(new Object[0]);
    }

    /** Kernels and products run so far (a replayed graph's each time). */
    public static long launches() {
        return fake().getFunction("fake_launches").invokeLong(new Object[0]);
    }

    /** Graphs instantiated so far. */
    public static long graphs() {
        return fake().getFunction("fake_graphs").invokeLong(new Object[0]);
    }

    /** The grid of the last kernel run: {blocks, threads per block}. */
    static int[] lastGrid() {
        Memory grid = new Memory(8);
        fake().getFunction("fake_last_grid").invokeVoid(new Object[] {grid, grid.share(4)});
        return new int[] {grid.getInt(0), grid.getInt(4)};
    }
}
