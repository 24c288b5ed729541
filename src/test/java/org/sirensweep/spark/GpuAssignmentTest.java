package org.sirensweep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.sirensweep.cuda.CudaLibraries;
import org.sirensweep.cuda.CudaUnavailableException;
import org.sirensweep.trial.Compute;

/** Which GPU a task trains on: Spark's assignment on a cluster, the local pool in local mode. */
class GpuAssignmentTest {
    @Test
    void aTaskTrainsOnTheGpuSparkAssignedIt() {
        assertEquals(
                OptionalInt.of(3),
                GpuAssignment.fromResources(Map.of("gpu", new ResourceInformation("gpu", new String[] {"3"}))));
        assertEquals(
                OptionalInt.of(0),
                GpuAssignment.fromResources(Map.of("gpu", new ResourceInformation("gpu", new String[] {" 0 ", "1"}))),
                "first of several");
        assertEquals(OptionalInt.empty(), GpuAssignment.fromResources(Map.of()));
        assertEquals(
                OptionalInt.empty(),
                GpuAssignment.fromResources(Map.of("fpga", new ResourceInformation("fpga", new String[] {"0"}))));
        IllegalStateException uuid = assertThrows(
                IllegalStateException.class,
                () -> GpuAssignment.fromResources(
                        Map.of("gpu", new ResourceInformation("gpu", new String[] {"GPU-5c3e-uuid"}))));
        assertTrue(uuid.getMessage().contains("'GPU-5c3e-uuid' is not a GPU number"), uuid.getMessage());
    }

    @Test
    void theLocalPoolLendsEachGpuToOneTrialAtATime() throws Exception {
        DevicePool pool = new DevicePool(List.of(1, 3)); // the GPUs CUDA_VISIBLE_DEVICES=1,3 leaves a process
        Set<Integer> inUse = ConcurrentHashMap.newKeySet();
        AtomicInteger clashes = new AtomicInteger();
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService tasks = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(tasks.submit(() -> {
                    start.await();
                    for (int i = 0; i < 50; i++) {
                        int device = pool.borrow();
                        if (!inUse.add(device)) {
                            clashes.incrementAndGet();
                        }
                        seen.add(device);
                        Thread.sleep(1);
                        inUse.remove(device);
                        pool.giveBack(device);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            tasks.shutdownNow();
        }
        assertEquals(0, clashes.get(), "two trials on one GPU at once");
        assertEquals(Set.of(1, 3), seen);
    }

    @Test
    void aGpuAssignedToANodeWithoutCudaIsRefusedInOneLineWithTheWayOut() {
        Assumptions.assumeTrue(Compute.gpus().isEmpty(), "this node has CUDA");
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> Compute.openGpu(0));
        assertTrue(
                e.getMessage().contains("libcuda.so.1") && e.getMessage().contains(CudaLibraries.FOLDERS_VARIABLE),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertEquals("cpu", Compute.deviceName(null));
    }
}
