package org.sirensweep.spark;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The GPUs of this machine, lent to one trial at a time. Spark does not schedule GPUs in local mode, so a local run
 * sets its parallelism to the number of GPUs and each task borrows one device here for the length of its trial.
 */
final class DevicePool {
    /** The pool of this process's GPUs: tasks in local mode are threads of the driver, so they share it. */
    private static DevicePool local;

    private final BlockingQueue<Integer> free;

    /** A pool of the GPUs numbered {@code devices}. */
    DevicePool(List<Integer> devices) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("a device pool needs at least one device");
        }
        free = new ArrayBlockingQueue<>(devices.size(), false, devices);
    }

    /** The process-wide pool of the GPUs numbered {@code devices} (created on first use). */
    static synchronized DevicePool local(List<Integer> devices) {
        if (local == null) {
            local = new DevicePool(devices);
        }
        return local;
    }

    /** Takes a free device, waiting while all are lent (there are never more concurrent tasks than devices). */
    int borrow() throws InterruptedException {
        return free.take();
    }

    void giveBack(int device) {
        free.add(device);
    }
}
