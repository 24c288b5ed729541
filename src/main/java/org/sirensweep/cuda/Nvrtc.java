package org.sirensweep.cuda;

import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.io.File;
import java.util.ArrayList;
import java.util.List;

/**
 * NVRTC, CUDA's runtime compiler: compiles the kernels' source for the GPU in hand. For a GPU whose architecture this
 * NVRTC knows, it makes machine code (CUBIN, {@code -arch=sm_XY}); for a newer one, PTX for the newest architecture
 * it knows, which the driver compiles for the GPU when the module loads (so a GPU newer than the toolkit still runs).
 */
final class Nvrtc {
    private final NativeLibrary library;
    /** The builtins library beside NVRTC, held as long as this object is: JNA unloads a library nobody holds. */
    private final List<NativeLibrary> builtins = new ArrayList<>();

    /**
     * NVRTC from {@code library}. NVRTC opens its builtins library ({@code libnvrtc-builtins.so.13.0}) by bare name
     * when it compiles, which the loader finds only among the libraries loaded already or on its own path: the one
     * beside NVRTC is loaded here and held, so that a folder named by {@link CudaLibraries#FOLDERS_VARIABLE} (a pip
     * package's) needs no loader path of its own.
     */
    Nvrtc(NativeLibrary library) {
        this.library = library;
        File file = library.getFile();
        File[] files = file == null
                ? null
                : file.getParentFile()
                        .listFiles(
                                (folder, name) -> name.startsWith("libnvrtc-builtins.so.") && !name.contains(".alt."));
        for (File builtin : files == null ? new File[0] : files) {
            builtins.add(NativeLibrary.getInstance(builtin.getPath()));
        }
    }

    /** NVRTC's version, e.g. {@code 13.0}. */
    String version() {
        IntByReference major = new IntByReference();
        IntByReference minor = new IntByReference();
        check("nvrtcVersion", major, minor);
        return major.getValue() + "." + minor.getValue();
    }

    /** The architectures this NVRTC compiles for, as {@code 10 * major + minor} (e.g. 90 for sm_90). */
    List<Integer> supportedArchitectures() {
        IntByReference count = new IntByReference();
        check("nvrtcGetNumSupportedArchs", count);
        Memory values = new Memory(4L * Math.max(1, count.getValue()));
        check("nvrtcGetSupportedArchs", values);
        List<Integer> architectures = new ArrayList<>();
        for (int i = 0; i < count.getValue(); i++) {
            architectures.add(values.getInt(4L * i));
        }
        return architectures;
    }

    /** What {@link #compile} makes for a device: machine code for its architecture, or PTX for an older one. */
    record Target(int architecture, boolean machineCode) {
        String option() {
            return (machineCode ? "--gpu-architecture=sm_" : "--gpu-architecture=compute_") + architecture;
        }
    }

    /** The target for a device of compute capability {@code major.minor} among {@code supported} architectures. */
    static Target target(int major, int minor, List<Integer> supported) {
        int wanted = 10 * major + minor;
        if (supported.contains(wanted)) {
            return new Target(wanted, true);
        }
        int best = -1;
        for (int architecture : supported) {
            if (architecture <= wanted && architecture > best) {
                best = architecture;
            }
        }
        if (best < 0) {
            throw new CudaUnavailableException(
                    "this NVRTC compiles for architectures " + supported + ", none of them " + "at or below the GPU's "
                            + major + "." + minor + ": use the CUDA toolkit libraries that match it");
        }
        return new Target(best, false);
    }

    /** Compiles {@code source} (named {@code name} in messages) with {@code options}: the CUBIN or PTX image. */
    byte[] compile(String source, String name, Target target, List<String> options) {
        PointerByReference program = new PointerByReference();
        check("nvrtcCreateProgram", program, source, name, 0, Pointer.NULL, Pointer.NULL);
        try {
            List<String> all = new ArrayList<>(options);
            all.add(target.option());
            int result = library.getFunction("nvrtcCompileProgram")
                    .invokeInt(
                            new Object[] {program.getValue(), all.size(), new StringArray(all.toArray(new String[0]))});
            if (result != 0) {
                throw new CudaException("NVRTC could not compile " + name + " (" + error(result) + "): "
                        + log(program.getValue()).strip().replace('\n', ' '));
            }
            String kind = target.machineCode() ? "CUBIN" : "PTX";
            LongByReference size = new LongByReference();
            check("nvrtcGet" + kind + "Size", program.getValue(), size);
            Memory image = new Memory(Math.max(1, size.getValue()));
            check("nvrtcGet" + kind, program.getValue(), image);
            return image.getByteArray(0, (int) size.getValue());
        } finally {
            check("nvrtcDestroyProgram", program);
        }
    }

    private String log(Pointer program) {
        LongByReference size = new LongByReference();
        check("nvrtcGetProgramLogSize", program, size);
        Memory text = new Memory(Math.max(1, size.getValue()));
        check("nvrtcGetProgramLog", program, text);
        return text.getString(0);
    }

    private void check(String name, Object... arguments) {
        int result = library.getFunction(name).invokeInt(arguments);
        if (result != 0) {
            throw new CudaException(name + " failed: " + error(result));
        }
    }

    private String error(int result) {
        Pointer text = library.getFunction("nvrtcGetErrorString").invokePointer(new Object[] {result});
        return text == null ? "NVRTC error " + result : text.getString(0);
    }
}
