package org.sirensweep.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kernels through the real NVRTC (CUDA 13's, from NVIDIA's pip package in the tests' Python environment; it
 * compiles without a GPU), bound as a GPU node binds it: the machine code for Hopper and Blackwell, and PTX with
 * every kernel and no fused multiply-add, so each operation rounds as the Java passes do.
 */
class NvrtcTest {
    private static Nvrtc nvrtc;

    @BeforeAll
    static void loadNvrtc() throws IOException {
        Path venv = Path.of(System.getProperty("tests.python")).getParent().getParent();
        try (Stream<Path> files = Files.walk(venv.resolve("lib"))) {
            Path library = files.filter(f -> f.getFileName().toString().equals("libnvrtc.so.13"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "no libnvrtc.so.13 in " + venv + " (src/test/python/requirements.txt installs it)"));
            nvrtc = new Nvrtc(NativeLibrary.getInstance(library.toString()));
        }
    }

    @Test
    void itIsCuda13AndKnowsHopperAndBlackwell() {
        assertTrue(nvrtc.version().startsWith("13."), nvrtc.version());
        List<Integer> architectures = nvrtc.supportedArchitectures();
        assertTrue(architectures.containsAll(List.of(90, 100, 120)), architectures.toString());
        assertEquals(new Nvrtc.Target(90, true), Nvrtc.target(9, 0, architectures));
    }

    @Test
    void theKernelsCompileToMachineCodeForHopperAndBlackwell() {
        byte[] elf = {0x7f, 'E', 'L', 'F'};
        for (int architecture : new int[] {90, 100}) {
            byte[] cubin = nvrtc.compile(
                    KernelSource.text(), "kernels.cu", new Nvrtc.Target(architecture, true), KernelSource.OPTIONS);
            assertArrayEquals(elf, Arrays.copyOf(cubin, 4), "sm_" + architecture + " gives an ELF image");
        }
    }

    @Test
    void thePtxHasEveryKernelAndNoFusedMultiplyAdd() {
        String ptx = ptx(KernelSource.OPTIONS);
        for (Kernel kernel : KernelSource.KERNELS) {
            assertTrue(ptx.contains(".entry " + kernel.name() + "("), kernel.name());
        }
        assertFalse(ptx.contains("fma.rn"), "--fmad=false: every product and sum rounds on its own");
        List<String> fused = new ArrayList<>(KernelSource.OPTIONS);
        fused.remove("--fmad=false");
        assertTrue(ptx(fused).contains("fma.rn"), "without the option NVRTC fuses, so the check above can fail");
    }

    @Test
    void aCompileErrorIsOneLineWithNvrtcsLog() {
        CudaException e = assertThrows(
                CudaException.class,
                () -> nvrtc.compile(
                        KernelSource.PRELUDE + "KERNEL broken(float* x) { x[0] = undefined_name; }",
                        "broken.cu",
                        new Nvrtc.Target(90, false),
                        KernelSource.OPTIONS));
        assertTrue(e.getMessage().startsWith("NVRTC could not compile broken.cu ("), e.getMessage());
        assertTrue(e.getMessage().contains("undefined_name"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    private static String ptx(List<String> options) {
        byte[] image = nvrtc.compile(KernelSource.text(), "kernels.cu", new Nvrtc.Target(90, false), options);
        return new String(image, StandardCharsets.US_ASCII);
    }
}
