package org.sirensweep.cuda;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The engine's CUDA kernels ({@code kernels.cu}, the file NVRTC compiles on a GPU) built for this CPU, with the fake
 * CUDA around them ({@code fake-cuda.c}: the driver, cuBLAS and NVML that {@link FakeCuda} puts under their sonames),
 * so that CI, which has no GPU, checks the kernels' arithmetic against the Java engine's passes and runs the real
 * binding over them. The compiler is clang 13 with lld, from the {@code org.bytedeco:llvm} test dependency (a fresh
 * machine needs no compiler of its own), run with {@code -ffp-contract=off} as NVRTC runs with {@code --fmad=false};
 * the prelude ({@code host-prelude.h}) makes CUDA's thread indices plain (thread-local) variables. Each kernel gets a
 * wrapper that reads its arguments through a {@code void**}, by the types {@link Kernel} parsed from its declaration
 * (the compiler checks the parse against the declaration), as {@code cuLaunchKernel} hands them to a GPU.
 *
 * <p>{@link #launch} runs a kernel directly over a small grid ({@value #BLOCKS} blocks of {@value #THREADS}), every
 * (block, thread) in order, so the grid-stride loops run as they do on a GPU with many threads, each item by one
 * thread. Pointers are passed as addresses: ND4J arrays' own memory ({@link #address}).
 */
public final class HostKernels {
    static final int BLOCKS = 3;
    static final int THREADS = 4;
    private static final String LLVM = "org/bytedeco/llvm/linux-x86_64/";
    private static final List<String> COMPILER_FILES = List.of("clang", "lld", "libLLVM-13.so", "libclang-cpp.so.13");
    private static HostKernels instance;

    private final NativeLibrary library;
    private final Path file;

    private HostKernels(Path file) {
        this.file = file;
        this.library = NativeLibrary.getInstance(file.toString());
    }

    /** The kernels and the fake CUDA, built once per test JVM (under {@code target/host-kernels}). */
    public static synchronized HostKernels get() {
        if (instance == null) {
            instance = new HostKernels(build(Path.of("target", "host-kernels")).toAbsolutePath());
        }
        return instance;
    }

    /** The shared object: kernels and fake CUDA. */
    Path file() {
        return file;
    }

    NativeLibrary library() {
        return library;
    }

    /** Runs kernel {@code name} with {@code arguments} (Long, Integer, Float, Double; pointers as Long addresses). */
    public void launch(String name, Object... arguments) {
        Kernel kernel = KernelSource.KERNELS.stream()
                .filter(k -> k.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no kernel " + name));
        KernelArguments packed = KernelArguments.pack(kernel, arguments);
        Pointer function = library.getFunction("fake_kernel_named").invokePointer(new Object[] {name});
        try {
            library.getFunction("fake_run_kernel")
                    .invokeVoid(new Object[] {function, BLOCKS, THREADS, packed.pointers()});
        } finally {
            Reference.reachabilityFence(packed);
        }
    }

    /** The address of an array's first element (a view's, at its offset) in ND4J's native memory. */
    public static long address(INDArray array) {
        return array.data().addressPointer().address()
                + array.offset() * array.dataType().width();
    }

    /** Compiles prelude + kernels.cu + fake-cuda.c + the kernels' wrappers into {@code folder}/kernels.so. */
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
            String source = text("org/sirensweep/cuda/host-prelude.h") + "\n#line 1 \"kernels.cu\"\n"
                    + KernelSource.file() + "\n#line 1 \"fake-cuda.c\"\n" + text("org/sirensweep/cuda/fake-cuda.c")
                    + "\n#line 1 \"(wrappers)\"\n" + wrappers(KernelSource.KERNELS);
            Path c = folder.resolve("kernels.c");
            Files.writeString(c, source);
            Path object = folder.resolve("kernels.o");
            Path library = folder.resolve("kernels.so");
            run(
                    tools,
                    List.of(
                            tools.resolve("clang").toString(),
                            "-x",
                            "c",
                            "-std=c11",
                            "-O2",
                            "-fPIC",
                            "-ffp-contract=off",
                            "-fno-math-errno",
                            "-Wall",
                            "-Werror",
                            "-Wno-unused-function",
                            "-c",
                            c.toString(),
                            "-o",
                            object.toString()));
            run(
                    tools,
                    List.of(
                            tools.resolve("lld").toString(),
                            "-flavor",
                            "gnu",
                            "-shared",
                            "-o",
                            library.toString(),
                            object.toString()));
            return library;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Per kernel: a check that its declaration has the parsed parameter types (assigning it to a pointer of that
     * function type), a wrapper that calls it with each argument read from a {@code void**} by its type, and the
     * table {@code fake-cuda.c} looks kernels up in (it declares their type).
     */
    static String wrappers(List<Kernel> kernels) {
        StringBuilder c = new StringBuilder();
        StringBuilder table = new StringBuilder();
        for (Kernel kernel : kernels) {
            List<String> types =
                    kernel.parameters().stream().map(Kernel.Parameter::type).toList();
            String name = kernel.name();
            c.append("static void (*const check_")
                    .append(name)
                    .append(")(")
                    .append(String.join(", ", types))
                    .append(") = ")
                    .append(name)
                    .append(";\n");
            c.append("static void call_")
                    .append(name)
                    .append("(void **a) {\n    (void) check_")
                    .append(name)
                    .append(";\n    ")
                    .append(name)
                    .append('(');
            for (int i = 0; i < types.size(); i++) {
                c.append(i == 0 ? "" : ", ")
                        .append("*(")
                        .append(types.get(i))
                        .append(" *) a[")
                        .append(i)
                        .append(']');
            }
            c.append(");\n}\n");
            table.append("    {\"")
                    .append(name)
                    .append("\", ")
                    .append(types.size())
                    .append(", call_")
                    .append(name)
                    .append("},\n");
        }
        return c + "const fake_kernel fake_kernels[] = {\n" + table + "};\nconst int fake_kernel_count = "
                + kernels.size() + ";\n";
    }

    private static String text(String resource) throws IOException {
        try (InputStream in = resource(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
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
