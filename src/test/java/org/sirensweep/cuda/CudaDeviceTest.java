package org.sirensweep.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link CudaDevice} through JNA over the stand-in CUDA ({@link FakeCuda}), which holds it to what a GPU holds it
 * to: launches read their packed arguments by the kernels' declared types over the grid the device computed;
 * products reach cuBLAS with its operation codes, leading dimensions and strides (the single-product call and the
 * strided-batched one, a stride of 0 included); a failure inside a recording keeps its own error and leaves no graph;
 * a failed open and a close leave nothing behind; GPUs are numbered as nvidia-smi numbers them whatever CUDA sees.
 */
class CudaDeviceTest {
    @AfterEach
    void nothingIsLeftBehind() {
        assertEquals(0, FakeCuda.allocatedBytes(), "device memory freed");
        assertEquals(0, FakeCuda.liveObjects(), "streams, modules, graphs, handles and context references released");
        FakeCuda.reset();
    }

    @Test
    void aLaunchRunsItsKernelOverTheComputedGridWithItsArguments() {
        try (CudaDevice device = FakeCuda.open()) {
            for (long items : new long[] {1, 1000, 256 * 128 + 1, 10_000_000}) {
                long x = device.allocate(4 * Math.min(items, 1000));
                device.launch("fill", Math.min(items, 1000), Math.min(items, 1000), x, 2.5f);
                float[] filled = device.downloadFloats(x, (int) Math.min(items, 1000));
                float[] expected = new float[filled.length];
                Arrays.fill(expected, 2.5f);
                assertArrayEquals(expected, filled);
                device.free(x);
                device.launch("fill", items, 0L, 0L, 0f); // n = 0: the grid only
                int maxBlocks = 32 * 4; // the fake's 4 multiprocessors
                assertArrayEquals(
                        new int[] {(int) Math.min((items + 255) / 256, maxBlocks), 256},
                        FakeCuda.lastGrid(),
                        items + " items");
            }
            IllegalArgumentException wrongType =
                    assertThrows(IllegalArgumentException.class, () -> device.launch("fill", 10, 10, 0L, 1f));
            assertTrue(wrongType.getMessage().contains("argument 0 (long long) must be given as Long, not Integer"));
            assertThrows(IllegalArgumentException.class, () -> device.launch("no_such_kernel", 1));
        }
    }

    @ParameterizedTest(name = "transposes {0}")
    @ValueSource(strings = {"NN", "NT", "TN", "TT"})
    void productsReachCublasWithItsCodesAndStrides(String transposes) {
        boolean ta = transposes.charAt(0) == 'T';
        boolean tb = transposes.charAt(1) == 'T';
        int m = 7;
        int n = 5;
        int k = 3;
        int lda = (ta ? k : m) + 2; // padded columns: the leading dimensions are used as given
        int ldb = (tb ? n : k) + 1;
        int ldc = m + 3;
        int count = 3;
        SplittableRandom random = new SplittableRandom(5);
        float[] a = floats(random, lda * (ta ? m : k) * count);
        float[] b = floats(random, ldb * (tb ? k : n)); // one b for every product: stride 0
        float[] c = floats(random, ldc * n * count);
        try (CudaDevice device = FakeCuda.open()) {
            long da = upload(device, a);
            long db = upload(device, b);
            long dc = upload(device, c);
            long strideA = (long) lda * (ta ? m : k);
            long strideC = (long) ldc * n;
            device.gemm(ta, tb, m, n, k, da, lda, strideA, db, ldb, 0, true, dc, ldc, strideC, count);
            float[] batched = device.downloadFloats(dc, c.length);
            device.upload(dc, c);
            for (int p = 0; p < count; p++) { // the single-product call, one at a time
                device.gemm(
                        ta,
                        tb,
                        m,
                        n,
                        k,
                        da + 4 * p * strideA,
                        lda,
                        0,
                        db,
                        ldb,
                        0,
                        true,
                        dc + 4 * p * strideC,
                        ldc,
                        0,
                        1);
            }
            float[] single = device.downloadFloats(dc, c.length);
            for (int p = 0; p < count; p++) {
                for (int j = 0; j < ldc * n; j++) {
                    int i = j % ldc;
                    int col = j / ldc;
                    int at = (int) (p * strideC) + j;
                    if (i >= m) {
                        assertEquals(c[at], batched[at], "padding rows untouched");
                        continue;
                    }
                    double sum = c[at];
                    for (int l = 0; l < k; l++) {
                        double x = ta ? a[(int) (p * strideA) + i * lda + l] : a[(int) (p * strideA) + l * lda + i];
                        double y = tb ? b[l * ldb + col] : b[col * ldb + l];
                        sum += x * y;
                    }
                    assertEquals(sum, batched[at], 1e-5, "product " + p + " at (" + i + ", " + col + ")");
                    assertEquals(batched[at], single[at], "one call per product gives the batched bits");
                }
            }
            CudaException shape = assertThrows(
                    CudaException.class,
                    () -> device.gemm(ta, tb, m, n, k, da, 1, 0, db, ldb, 0, false, dc, ldc, 0, 1));
            assertEquals("cublasSgemm_v2 failed: CUBLAS_STATUS_INVALID_VALUE", shape.getMessage());
            for (long address : new long[] {da, db, dc}) {
                device.free(address);
            }
        }
    }

    @Test
    void aGraphReplaysWhatItRecordedAndAFailureInsideKeepsItsOwnError() {
        try (CudaDevice device = FakeCuda.open()) {
            long x = device.allocate(4 * 16);
            Device.Graph graph = device.capture(() -> device.launch("fill", 16, 16L, x, 3f));
            assertArrayEquals(new float[16], device.downloadFloats(x, 16), "recorded, not run");
            graph.launch();
            assertEquals(3f, device.downloadFloats(x, 16)[15]);
            graph.close();

            // CUDA refuses an allocation while recording and invalidates the capture: the allocation's error is
            // the one reported, the end of the capture's failure rides along, and no graph is left.
            CudaException refused = assertThrows(CudaException.class, () -> device.capture(() -> device.allocate(4)));
            assertEquals(
                    "cuMemAlloc_v2 failed: CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED (operation not permitted when "
                            + "stream is capturing)",
                    refused.getMessage());
            assertTrue(refused.getSuppressed()[0].getMessage().contains("CUDA_ERROR_STREAM_CAPTURE_INVALIDATED"));
            // A mistake of ours inside a recording (a wrong argument) leaves CUDA's capture valid: it ends, and its
            // graph is destroyed.
            assertThrows(
                    IllegalArgumentException.class, () -> device.capture(() -> device.launch("fill", 1, 1, x, 0f)));
            Device.Graph again = device.capture(() -> device.launch("fill", 16, 16L, x, 4f));
            again.launch();
            assertEquals(4f, device.downloadFloats(x, 16)[0], "the device records again after both");
            again.close();
            device.free(x);
        }
    }

    @Test
    void withoutGraphsARecordingIssuesItsWorkAtEachLaunch() {
        long graphs = FakeCuda.graphs();
        try (CudaDevice device = FakeCuda.open(false)) {
            long x = device.allocate(4 * 4);
            float[] value = {1f};
            Device.Graph graph = device.capture(() -> device.launch("fill", 4, 4L, x, value[0]));
            value[0] = 2f;
            graph.launch();
            assertEquals(2f, device.downloadFloats(x, 4)[3], "the work runs at the launch, with what it reads then");
            graph.close();
            device.free(x);
            assertTrue(device.describe().contains("no graphs"), device.describe());
        }
        assertEquals(graphs, FakeCuda.graphs());
        assertTrue(CudaDevice.graphsWanted(null));
        assertTrue(CudaDevice.graphsWanted("on"));
        for (String off : List.of("off", "0", "false", " OFF ", "no")) {
            assertEquals(false, CudaDevice.graphsWanted(off), off);
        }
    }

    @ParameterizedTest(name = "{0} fails")
    @ValueSource(
            strings = {"cuModuleLoadData", "cuStreamCreate", "cuMemAlloc_v2", "cublasCreate_v2", "cublasSetMathMode"})
    void aFailedOpenLeavesNothingBehind(String call) {
        FakeCuda.reset();
        FakeCuda.failNext(call, call.startsWith("cublas") ? 7 : 2);
        CudaException e =
                assertThrows(CudaException.class, () -> CudaDevice.open(FakeCuda.libraries(), 0, false, true));
        assertTrue(e.getMessage().startsWith(call + " failed: "), e.getMessage());
    }

    @Test
    void gpusAreNumberedAsNvidiaSmiNumbersThemWhateverCudaSees() {
        // Four GPUs, of which CUDA_VISIBLE_DEVICES=3,1 leaves two, in that order.
        FakeCuda.configure(4, new int[] {3, 1}, FakeCuda.CUDA_13);
        assertEquals(List.of(1, 3), CudaDevice.gpus(FakeCuda.libraries()));
        try (CudaDevice three = CudaDevice.open(FakeCuda.libraries(), 3, false, true)) {
            assertEquals(3, three.gpu());
            assertTrue(three.describe().contains("GPU 3, sm_90, PCI 0000:7f:00.0"), three.describe());
            assertTrue(three.describe().startsWith("Fake GPU 3"), three.describe());
        }
        CudaUnavailableException hidden = assertThrows(
                CudaUnavailableException.class, () -> CudaDevice.open(FakeCuda.libraries(), 2, false, true));
        assertTrue(
                hidden.getMessage().startsWith("GPU 2 (PCI 0000:5d:00.0) is hidden from CUDA in this process"),
                hidden.getMessage());
        assertTrue(hidden.getMessage().endsWith("it can use GPUs 1, 3 (nvidia-smi's numbers)"), hidden.getMessage());
        assertTrue(assertThrows(
                        CudaUnavailableException.class, () -> CudaDevice.open(FakeCuda.libraries(), 7, false, true))
                .getMessage()
                .startsWith("GPU 7 was asked for, but this node has 4 (numbered 0..3"));

        // Without NVML the GPUs CUDA sees are numbered in PCI bus order.
        CudaLibraries withoutNvml = FakeCuda.load(FakeCuda.folder(
                "cuda-without-nvml", List.of("libcuda.so.1", "libcublasLt.so.13", "libcublas.so.13"), true));
        assertEquals(List.of(0, 1), CudaDevice.gpus(withoutNvml));
        try (CudaDevice first = CudaDevice.open(withoutNvml, 0, false, true)) {
            assertTrue(first.describe().contains("PCI 0000:3b:00.0"), first.describe());
        }
    }

    private static float[] floats(SplittableRandom random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
        return values;
    }

    private static long upload(Device device, float[] values) {
        long address = device.allocate(4L * values.length);
        device.upload(address, values);
        return address;
    }
}
