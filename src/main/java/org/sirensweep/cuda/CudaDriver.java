package org.sirensweep.cuda;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;

/**
 * The CUDA driver API calls the engine makes, bound by name from {@code libcuda.so.1} (the versioned entry points
 * that CUDA 12 and 13 export, such as {@code cuMemAlloc_v2}). Every call checks its result and throws a {@link
 * CudaException} naming the call and the driver's error. Device memory addresses are {@code long}s; contexts,
 * streams, modules, functions and graphs are the driver's opaque pointers.
 */
public final class CudaDriver {
    /** {@code CU_DEVICE_ATTRIBUTE_*} values used here. */
    static final int MULTIPROCESSOR_COUNT = 16;

    static final int PCI_BUS_ID = 33;
    static final int PCI_DEVICE_ID = 34;
    static final int PCI_DOMAIN_ID = 50;
    static final int COMPUTE_CAPABILITY_MAJOR = 75;
    static final int COMPUTE_CAPABILITY_MINOR = 76;
    /** {@code CU_STREAM_NON_BLOCKING}: the stream does not wait on the legacy default stream. */
    private static final int STREAM_NON_BLOCKING = 1;
    /** {@code CU_STREAM_CAPTURE_MODE_THREAD_LOCAL}: only this thread's unsafe calls break a capture. */
    private static final int CAPTURE_THREAD_LOCAL = 1;

    private final NativeLibrary library;

    CudaDriver(NativeLibrary library) {
        this.library = library;
    }

    /** The newest CUDA version the driver supports, e.g. 12080 for 12.8 (answered before {@link #init}). */
    int version() {
        IntByReference version = new IntByReference();
        check("cuDriverGetVersion", version);
        return version.getValue();
    }

    /** Initialises the driver; a node without a usable GPU or driver fails here. */
    void init() {
        check("cuInit", 0);
    }

    int deviceCount() {
        IntByReference count = new IntByReference();
        check("cuDeviceGetCount", count);
        return count.getValue();
    }

    /** The device of CUDA ordinal {@code ordinal} (CUDA's default order: fastest first, unless the environment says). */
    int device(int ordinal) {
        IntByReference device = new IntByReference();
        check("cuDeviceGet", device, ordinal);
        return device.getValue();
    }

    String pciBusId(int device) {
        Memory text = new Memory(64);
        check("cuDeviceGetPCIBusId", text, 64, device);
        return text.getString(0, StandardCharsets.US_ASCII.name());
    }

    String name(int device) {
        Memory text = new Memory(256);
        check("cuDeviceGetName", text, 256, device);
        return text.getString(0, StandardCharsets.US_ASCII.name());
    }

    int attribute(int device, int attribute) {
        IntByReference value = new IntByReference();
        check("cuDeviceGetAttribute", value, attribute, device);
        return value.getValue();
    }

    /** The device's primary context (the one cuBLAS and CUDA's runtime use), retained; made current. */
    Pointer retainPrimaryContext(int device) {
        PointerByReference context = new PointerByReference();
        check("cuDevicePrimaryCtxRetain", context, device);
        setCurrent(context.getValue());
        return context.getValue();
    }

    void releasePrimaryContext(int device) {
        check("cuDevicePrimaryCtxRelease_v2", device);
    }

    /** Makes {@code context} the calling thread's current one (each thread that computes on the device does). */
    void setCurrent(Pointer context) {
        check("cuCtxSetCurrent", context);
    }

    /** Free and total bytes of the current context's device. */
    long[] memoryInfo() {
        LongByReference free = new LongByReference();
        LongByReference total = new LongByReference();
        check("cuMemGetInfo_v2", free, total);
        return new long[] {free.getValue(), total.getValue()};
    }

    long allocate(long bytes) {
        LongByReference address = new LongByReference();
        check("cuMemAlloc_v2", address, bytes);
        return address.getValue();
    }

    void free(long address) {
        check("cuMemFree_v2", address);
    }

    /** Copies host memory to the device in {@code stream}'s order (from pageable memory: staged before it returns). */
    void copyToDeviceAsync(long address, Pointer source, long bytes, Pointer stream) {
        check("cuMemcpyHtoDAsync_v2", address, source, bytes, stream);
    }

    /** Copies device memory to the host in {@code stream}'s order; synchronize the stream before reading it. */
    void copyToHostAsync(Pointer destination, long address, long bytes, Pointer stream) {
        check("cuMemcpyDtoHAsync_v2", destination, address, bytes, stream);
    }

    /** Sets {@code bytes} of device memory to zero in {@code stream}'s order. */
    void zeroAsync(long address, long bytes, Pointer stream) {
        check("cuMemsetD8Async", address, (byte) 0, bytes, stream);
    }

    Pointer createStream() {
        PointerByReference stream = new PointerByReference();
        check("cuStreamCreate", stream, STREAM_NON_BLOCKING);
        return stream.getValue();
    }

    void synchronize(Pointer stream) {
        check("cuStreamSynchronize", stream);
    }

    void destroyStream(Pointer stream) {
        check("cuStreamDestroy_v2", stream);
    }

    /** Loads a module from a CUBIN or a PTX image (which the driver compiles for its GPU). */
    Pointer loadModule(byte[] image) {
        Memory data = new Memory(image.length + 1L);
        data.write(0, image, 0, image.length);
        data.setByte(image.length, (byte) 0); // PTX is read as a NUL-terminated string
        PointerByReference module = new PointerByReference();
        check("cuModuleLoadData", module, data);
        return module.getValue();
    }

    Pointer function(Pointer module, String name) {
        PointerByReference function = new PointerByReference();
        check("cuModuleGetFunction", function, module, name);
        return function.getValue();
    }

    void unloadModule(Pointer module) {
        check("cuModuleUnload", module);
    }

    /** Launches {@code function} on {@code stream} with a one-dimensional grid; {@code parameters} is a void**. */
    void launch(Pointer function, int blocks, int threads, Pointer stream, Pointer parameters) {
        check("cuLaunchKernel", function, blocks, 1, 1, threads, 1, 1, 0, stream, parameters, Pointer.NULL);
    }

    /** Starts recording {@code stream}'s work into a graph instead of running it. */
    void beginCapture(Pointer stream) {
        check("cuStreamBeginCapture_v2", stream, CAPTURE_THREAD_LOCAL);
    }

    /** Ends a capture: the graph of the work recorded since {@link #beginCapture}. */
    Pointer endCapture(Pointer stream) {
        PointerByReference graph = new PointerByReference();
        check("cuStreamEndCapture", stream, graph);
        return graph.getValue();
    }

    Pointer instantiate(Pointer graph) {
        PointerByReference exec = new PointerByReference();
        check("cuGraphInstantiateWithFlags", exec, graph, 0L);
        return exec.getValue();
    }

    void launchGraph(Pointer exec, Pointer stream) {
        check("cuGraphLaunch", exec, stream);
    }

    void destroyGraph(Pointer graph) {
        check("cuGraphDestroy", graph);
    }

    void destroyGraphExec(Pointer exec) {
        check("cuGraphExecDestroy", exec);
    }

    /** Calls {@code name} and throws unless it returned {@code CUDA_SUCCESS}. */
    private void check(String name, Object... arguments) {
        int result = call(name, arguments);
        if (result != 0) {
            throw new CudaException(name + " failed: " + describe(result));
        }
    }

    private int call(String name, Object... arguments) {
        Function function;
        try {
            function = library.getFunction(name);
        } catch (UnsatisfiedLinkError e) {
            throw new CudaUnavailableException("the CUDA driver has no " + name + ": it is older than CUDA 12, which "
                    + "the engine needs (update the NVIDIA driver)");
        }
        return function.invokeInt(arguments);
    }

    /** The driver's name and text for an error code, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY (out of memory)}. */
    String describe(int result) {
        PointerByReference name = new PointerByReference();
        PointerByReference text = new PointerByReference();
        if (call("cuGetErrorName", result, name) != 0 || call("cuGetErrorString", result, text) != 0) {
            return "CUDA error " + result;
        }
        return name.getValue().getString(0) + " (" + text.getValue().getString(0) + ")";
    }
}
