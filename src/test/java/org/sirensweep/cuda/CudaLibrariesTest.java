package org.sirensweep.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.NativeLibrary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding the node's CUDA libraries without a GPU: a missing driver or toolkit is one line naming the library, where
 * it was looked for and how to point elsewhere; the kernels' compile target suits GPUs older and newer than NVRTC.
 */
class CudaLibrariesTest {
    @TempDir
    Path dir;

    @Test
    void aMissingDriverIsOneLineNamingItAndTheVariable() throws Exception {
        // A file by the driver's name that is not a library for this machine is not a driver either.
        Files.writeString(dir.resolve("libcuda.so.1"), "not a library");
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> CudaLibraries.load(List.of(dir), false));
        assertTrue(e.getMessage().startsWith("no CUDA driver: libcuda.so.1 not found"), e.getMessage());
        assertTrue(e.getMessage().contains(CudaLibraries.FOLDERS_VARIABLE + "=" + dir), e.getMessage());
        assertTrue(e.getMessage().contains("; there but not loadable: " + dir.resolve("libcuda.so.1") + " ("),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void aDriverWithoutNvrtcAndCublasIsOneLineNamingThem() throws Exception {
        // Any loadable library stands in for the driver: the lookup only opens it.
        HostKernels.get();
        Path fake = dir.resolve("libcuda.so.1");
        Files.copy(Path.of("target", "host-kernels", "kernels.so"), fake);
        try {
            CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                    () -> CudaLibraries.load(List.of(dir), false));
            assertTrue(e.getMessage().startsWith("no CUDA 13 or 12 toolkit libraries: libnvrtc.so.13, "
                    + "libcublasLt.so.13 and libcublas.so.13"), e.getMessage());
            assertTrue(e.getMessage().contains("set " + CudaLibraries.FOLDERS_VARIABLE), e.getMessage());
        } finally {
            // JNA keeps opened libraries by name: forget the stand-in, or a later lookup of the driver finds it.
            NativeLibrary.getInstance(fake.toString()).close();
        }
    }

    @Test
    void theVariableNamesFoldersSeparatedByColons() {
        assertEquals(List.of(Path.of("/a/lib"), Path.of("/b")), CudaLibraries.folders("/a/lib::/b: "));
        assertEquals(List.of(), CudaLibraries.folders(null));
    }

    @Test
    void kernelsCompileToMachineCodeForAKnownGpuAndToPtxForANewerOne() {
        List<Integer> supported = List.of(75, 80, 86, 89, 90);
        assertEquals(new Nvrtc.Target(90, true), Nvrtc.target(9, 0, supported));
        assertEquals("--gpu-architecture=sm_90", Nvrtc.target(9, 0, supported).option());
        // A Blackwell (12.0) under an NVRTC that stops at Hopper: PTX for 9.0, which the driver compiles for it.
        assertEquals(new Nvrtc.Target(90, false), Nvrtc.target(12, 0, supported));
        assertEquals("--gpu-architecture=compute_90", Nvrtc.target(12, 0, supported).option());
        assertThrows(CudaUnavailableException.class, () -> Nvrtc.target(6, 0, supported));
    }
}
