package org.sirensweep.cuda;

import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.List;

/**
 * NVML ({@code libnvidia-ml.so.1}, the NVIDIA driver's management library, which nvidia-smi reads): the node's GPUs
 * in nvidia-smi's numbering, each with its PCI address. NVML sees every GPU of the node whatever {@code
 * CUDA_VISIBLE_DEVICES} hides from CUDA, so its numbers are the ones Spark's discovery script prints.
 */
final class Nvml {
    /** {@code sizeof(nvmlPciInfo_t)}: busIdLegacy[16], five unsigned ints, busId[32]. */
    private static final int PCI_INFO_BYTES = 68;

    private static final int DOMAIN_OFFSET = 16;
    private static final int BUS_OFFSET = 20;
    private static final int DEVICE_OFFSET = 24;

    private final NativeLibrary library;

    Nvml(NativeLibrary library) {
        this.library = library;
    }

    /** The node's GPUs' PCI addresses, by nvidia-smi's index. */
    List<PciAddress> gpus() {
        check("nvmlInit_v2");
        try {
            IntByReference count = new IntByReference();
            check("nvmlDeviceGetCount_v2", count);
            List<PciAddress> gpus = new ArrayList<>();
            for (int i = 0; i < count.getValue(); i++) {
                PointerByReference device = new PointerByReference();
                check("nvmlDeviceGetHandleByIndex_v2", i, device);
                Memory info = new Memory(PCI_INFO_BYTES);
                info.clear();
                check("nvmlDeviceGetPciInfo_v3", device.getValue(), info);
                gpus.add(new PciAddress(
                        info.getInt(DOMAIN_OFFSET), info.getInt(BUS_OFFSET), info.getInt(DEVICE_OFFSET)));
            }
            return gpus;
        } finally {
            library.getFunction("nvmlShutdown").invokeInt(new Object[0]);
        }
    }

    private void check(String name, Object... arguments) {
        int result = library.getFunction(name).invokeInt(arguments);
        if (result != 0) {
            Pointer text = library.getFunction("nvmlErrorString").invokePointer(new Object[] {result});
            throw new CudaException(name + " failed: " + (text == null ? "NVML error " + result : text.getString(0)));
        }
    }
}
