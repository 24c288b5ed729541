package org.sirensweep.cuda;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The engine's CUDA kernels ({@code kernels.cu}, the file NVRTC compiles on a GPU) built for this CPU, so that CI,
 * which has no GPU, checks their arithmetic against the Java engine's passes. The compiler is clang 13 with lld,
 * from the {@code org.bytedeco:llvm} test dependency (a fresh machine needs no compiler of its own), run with {@code
 * -ffp-contract=off} as NVRTC runs with {@code --fmad=false}; the prelude ({@code host-prelude.h}) makes CUDA's
 * thread indices plain variables. A launch calls the kernel function once per thread of a small grid ({@value
 * #BLOCKS} blocks of {@value #THREADS}), in order, so the grid-stride loops run as they do on a GPU with many threads,
 * each item by one thread. Pointers are passed as addresses: ND4J arrays' own memory ({@link #address}).
 */
public final class HostKernels {
    static final int BLOCKS = 3;
    static final int THREADS = 4;
    private static final String LLVM = "org/bytedeco/llvm/linux-x86_64/";
    private static final List<String> COMPILER_FILES = List.of("clang", "lld", "libLLVM-13.so", "libclang-cpp.so.13");
    private static HostKernels instance;

    private final NativeLibrary library;
    private final Function setThread;

    private HostKernels(NativeLibrary library) {
        this.library = library;
        this.setThread = library.getFunction("host_set_thread");
    }

    /** The kernels built once per test JVM (under {@code target/host-kernels}). */
    public static synchronized HostKernels get() {
        if (instance == null) {
            instance = new HostKernels(NativeLibrary.getInstance(build(Path.of("target", "host-kernels"))
                    .toAbsolutePath().toString()));
        }
        return instance;
    }

    /** Runs kernel {@code name} with {@code arguments} (Long, Integer, Float, Double; pointers as Long addresses). */
    public synchronized void launch(String name, Object... arguments) {
        Function kernel = library.getFunction(name);
        for (int block = 0; block < BLOCKS; block++) {
            for (int thread = 0; thread < THREADS; thread++) {
                setThread.invoke(new Object[] {block, thread, BLOCKS, THREADS});
                kernel.invoke(arguments);
            }
        }
    }

    /** The address of an array's first element (a view's, at its offset) in ND4J's native memory. */
    public static long address(INDArray array) {
        return array.data().addressPointer().address() + array.offset() * array.dataType().width();
    }

    /** Compiles prelude + kernels.cu into {@code folder}/kernels.so; returns its path. */
    private static Path build(Path folder) {
        try {
            Path tools = folder.resolve("llvm");
            Files.createDirectories(tools);
            for (String file : COMPILER_FILES) {
                Path target = tools.resolve(file);
                if (!Files.exists(target)) {
                    try (InputStream in = resource(LLVM + file)) {
                        Path part = tools.resolve(file + ".part");
                        Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                        part.toFile().setExecutable(true);
                        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
                    }
                }
            }
            String source;
            try (InputStream prelude = resource("org/sirensweep/cuda/host-prelude.h");
                 InputStream kernels = resource(KernelSource.RESOURCE)) {
                source = new String(prelude.readAllBytes(), StandardCharsets.UTF_8) + "\n#line 1 \"kernels.cu\"\n"
                        + new String(kernels.readAllBytes(), StandardCharsets.UTF_8);
            }
            Path c = folder.resolve("kernels.c");
            Files.writeString(c, source);
            Path object = folder.resolve("kernels.o");
            Path library = folder.resolve("kernels.so");
            run(tools, List.of(tools.resolve("clang").toString(), "-x", "c", "-std=c11", "-O2", "-fPIC",
                    "-ffp-contract=off", "-fno-math-errno", "-Wall", "-Werror", "-Wno-unused-function", "-c",
                    c.toString(), "-o", object.toString()));
            run(tools, List.of(tools.resolve("lld").toString(), "-flavor", "gnu", "-shared", "-o", library.toString(),
                    object.toString()));
            return library;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = HostKernels.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the test class path");
        }
        return in;
    }

    private static void run(Path tools, List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        builder.environment().put("LD_LIBRARY_PATH", tools.toAbsolutePath().toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
