package org.sirensweep.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The engine's kernels as NVRTC compiles them: {@code kernels.cu} (a resource of this package, which the tests also
 * build for the CPU) after a prelude that defines its macros for CUDA, and the options that make each float
 * operation round as Java's does (no fused multiply-adds, IEEE division and square root, no flush to zero).
 */
final class KernelSource {
    /** The kernels' source, on the class path. */
    static final String RESOURCE = "org/sirensweep/cuda/kernels.cu";

    static final String PRELUDE = """
            #define KERNEL extern "C" __global__ void
            #define DEVICE static __device__ __forceinline__
            #define FLOAT_BITS(x) __float_as_int(x)
            #define SQRTF(x) __fsqrt_rn(x)
            #define FIRST_ITEM ((long long) blockIdx.x * blockDim.x + threadIdx.x)
            #define ITEM_STRIDE ((long long) blockDim.x * gridDim.x)
            #line 1 "kernels.cu"
            """;
    /** The kernels the file declares (each {@code KERNEL name(...)}), looked up once when a device loads them. */
    static final List<Kernel> KERNELS = Kernel.declaredIn(file());

    static final List<String> OPTIONS = List.of(
            "--fmad=false", "--prec-div=true", "--prec-sqrt=true", "--ftz=false", "--std=c++17", "-default-device");

    private KernelSource() {}

    /** Prelude and kernels, as one compilation unit. */
    static String text() {
        return PRELUDE + file();
    }

    /** {@code kernels.cu} itself. */
    static String file() {
        try (InputStream in = KernelSource.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
