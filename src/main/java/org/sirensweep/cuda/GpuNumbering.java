package org.sirensweep.cuda;

import com.sun.jna.NativeLibrary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The node's GPUs by the numbers nvidia-smi and Spark's discovery script give them, and the CUDA device each one is
 * in this process. CUDA numbers only the GPUs that {@code CUDA_VISIBLE_DEVICES} leaves it, fastest first; nvidia-smi
 * numbers all of them. Where NVML answers, a GPU's number is its NVML index and its CUDA device the one at the same
 * PCI address; without NVML, the GPUs CUDA sees are numbered in PCI bus order, which are nvidia-smi's numbers
 * wherever no GPU is hidden.
 *
 * @param cudaDevices the CUDA device handle of each GPU this process can use, by GPU number
 * @param node        with NVML: every GPU of the node by its number (null without NVML)
 */
record GpuNumbering(Map<Integer, Integer> cudaDevices, List<PciAddress> node) {
    static final String VISIBLE_VARIABLE = "CUDA_VISIBLE_DEVICES";

    /** The numbering of this process's GPUs: through {@code nvml} where it is there and answers, else PCI order. */
    static GpuNumbering of(CudaDriver driver, NativeLibrary nvml) {
        Map<PciAddress, Integer> seen = new TreeMap<>(); // CUDA's devices by address, in PCI bus order
        for (int ordinal = 0; ordinal < driver.deviceCount(); ordinal++) {
            int device = driver.device(ordinal);
            seen.put(
                    new PciAddress(
                            driver.attribute(device, CudaDriver.PCI_DOMAIN_ID),
                            driver.attribute(device, CudaDriver.PCI_BUS_ID),
                            driver.attribute(device, CudaDriver.PCI_DEVICE_ID)),
                    device);
        }
        List<PciAddress> node = null;
        if (nvml != null) {
            try {
                node = new Nvml(nvml).gpus();
            } catch (CudaException | UnsatisfiedLinkError e) {
                node = null; // an NVML that does not answer numbers nothing: PCI order, as without one
            }
        }
        Map<Integer, Integer> devices = new TreeMap<>();
        if (node != null) {
            for (int gpu = 0; gpu < node.size(); gpu++) {
                Integer device = seen.get(node.get(gpu));
                if (device != null) {
                    devices.put(gpu, device);
                }
            }
        } else {
            int gpu = 0;
            for (int device : seen.values()) {
                devices.put(gpu++, device);
            }
        }
        return new GpuNumbering(Map.copyOf(devices), node == null ? null : List.copyOf(node));
    }

    /** The numbers of the GPUs this process can use, in order. */
    List<Integer> usable() {
        return new ArrayList<>(new TreeMap<>(cudaDevices).keySet());
    }

    /** The CUDA device of GPU {@code gpu}; a GPU this process cannot use is one line saying why. */
    int cudaDevice(int gpu) {
        Integer device = cudaDevices.get(gpu);
        if (device != null) {
            return device;
        }
        String usable = usable().isEmpty()
                ? "none"
                : usable().stream().map(String::valueOf).collect(Collectors.joining(", "));
        String visible = System.getenv(VISIBLE_VARIABLE);
        String hiding = visible == null ? "" : " (" + VISIBLE_VARIABLE + "=" + visible + ")";
        if (node != null && gpu >= 0 && gpu < node.size()) {
            throw new CudaUnavailableException("GPU " + gpu + " (PCI " + node.get(gpu) + ") is hidden from CUDA in "
                    + "this process" + hiding + "; it can use GPUs " + usable + " (nvidia-smi's numbers)");
        }
        if (node != null) {
            throw new CudaUnavailableException("GPU " + gpu + " was asked for, but this node has " + node.size()
                    + " (numbered 0.." + (node.size() - 1) + " as nvidia-smi numbers them); this process can use "
                    + usable);
        }
        throw new CudaUnavailableException("GPU " + gpu + " was asked for, but this process sees "
                + cudaDevices.size() + " (numbered 0.." + (cudaDevices.size() - 1) + " in PCI bus order; without "
                + "NVML, libnvidia-ml.so.1, these are nvidia-smi's numbers only where nothing hides a GPU" + hiding
                + ")");
    }
}
