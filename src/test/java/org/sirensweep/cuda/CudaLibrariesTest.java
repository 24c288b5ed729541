package org.sirensweep.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding the node's CUDA libraries without a GPU (over the stand-in CUDA's libraries, {@link FakeCuda}): a missing
 * driver or toolkit is one line naming the library, where it was looked for and how to point elsewhere; NVRTC and
 * cuBLAS newer than the driver supports are passed over; the kernels' compile target suits GPUs older and newer
 * than NVRTC.
 */
class CudaLibrariesTest {
    @TempDir
    Path dir;

    @AfterEach
    void resetTheNode() {
        FakeCuda.reset();
    }

    @Test
    void aMissingDriverIsOneLineNamingItAndTheVariable() throws Exception {
        // A file by the driver's name that is not a library for this machine is not a driver either.
        Files.writeString(dir.resolve("libcuda.so.1"), "not a library");
        CudaUnavailableException e =
                assertThrows(CudaUnavailableException.class, () -> CudaLibraries.load(List.of(dir), false));
        assertTrue(e.getMessage().startsWith("no CUDA driver: libcuda.so.1 not found"), e.getMessage());
        assertTrue(e.getMessage().contains(CudaLibraries.FOLDERS_VARIABLE + "=" + dir), e.getMessage());
        assertTrue(
                e.getMessage().contains("; there but not loadable: " + dir.resolve("libcuda.so.1") + " ("),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void aDriverWithoutNvrtcAndCublasIsOneLineNamingThem() {
        Path driverOnly = FakeCuda.folder("driver-only", List.of("libcuda.so.1"), false);
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> FakeCuda.load(driverOnly));
        assertTrue(
                e.getMessage()
                        .startsWith("no CUDA 13 or 12 toolkit libraries: libnvrtc.so.13, "
                                + "libcublasLt.so.13 and libcublas.so.13"),
                e.getMessage());
        assertTrue(e.getMessage().contains("set " + CudaLibraries.FOLDERS_VARIABLE), e.getMessage());
    }

    @Test
    void theNewestToolkitTheDriverSupportsIsTaken() {
        Path both = FakeCuda.folder(
                "cuda-12-and-13",
                List.of("libcuda.so.1", "libcublasLt.so.13", "libcublas.so.13", "libcublasLt.so.12", "libcublas.so.12"),
                true);
        CudaLibraries libs = FakeCuda.load(both);
        assertEquals(13, libs.cudaMajor());
        assertNull(libs.nvml(), "no libnvidia-ml.so.1 there");
        FakeCuda.configure(1, new int[] {0}, 12080);
        CudaLibraries onCuda12 = FakeCuda.load(both);
        assertEquals(12, onCuda12.cudaMajor(), "a CUDA 12.8 driver cannot run CUDA 13's libraries");
        assertEquals(12080, onCuda12.driverVersion());
        assertTrue(
                onCuda12.describe().startsWith("driver for CUDA 12.8, CUDA 12 libraries: " + both),
                onCuda12.describe());
    }

    @Test
    void onlyToolkitsNewerThanTheDriverIsOneLineSayingSo() {
        FakeCuda.configure(1, new int[] {0}, 12040);
        CudaUnavailableException e =
                assertThrows(CudaUnavailableException.class, () -> FakeCuda.load(FakeCuda.folder()));
        assertTrue(
                e.getMessage()
                        .startsWith("the NVIDIA driver supports CUDA up to 12.4, but the toolkit libraries "
                                + "found are CUDA 13's"),
                e.getMessage());
        assertTrue(e.getMessage().contains("install CUDA 12's NVRTC and cuBLAS"), e.getMessage());
        FakeCuda.configure(1, new int[] {0}, 11080);
        assertTrue(assertThrows(CudaUnavailableException.class, () -> FakeCuda.load(FakeCuda.folder()))
                .getMessage()
                .endsWith("the engine needs CUDA 12 or 13: update the driver"));
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
        assertEquals(
                "--gpu-architecture=compute_90", Nvrtc.target(12, 0, supported).option());
        assertThrows(CudaUnavailableException.class, () -> Nvrtc.target(6, 0, supported));
    }
}
