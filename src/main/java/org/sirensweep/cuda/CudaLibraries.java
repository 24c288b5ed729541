package org.sirensweep.cuda;

import com.sun.jna.NativeLibrary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The node's own CUDA libraries, found by soname and bound through JNA (the jar carries no CUDA code): the driver
 * ({@code libcuda.so.1}, from the NVIDIA driver), NVRTC and cuBLAS of CUDA 13 or 12 ({@code libnvrtc.so.13} /
 * {@code .12}, {@code libcublasLt.so.13} and {@code libcublas.so.13} / {@code .12}; the newest found wins, all from
 * the same major version). Each is looked for in the folders of {@value #FOLDERS_VARIABLE} (colon-separated) first, then by the
 * system's loader (its cache and {@code LD_LIBRARY_PATH}), then in {@code /usr/local/cuda}'s library folders. A
 * library not found is one line naming it and where it was looked for.
 *
 * @param driver  the CUDA driver API
 * @param nvrtc   the runtime compiler of the kernels
 * @param cublas  the matrix products
 * @param cudaMajor the CUDA major version of NVRTC and cuBLAS (12 or 13)
 * @param found   where each came from, for reports
 */
public record CudaLibraries(NativeLibrary driver, NativeLibrary nvrtc, NativeLibrary cublas, int cudaMajor,
                            List<String> found) {
    /** The variable naming folders to look in first, e.g. a pip install's {@code .../nvidia/cu13/lib}. */
    public static final String FOLDERS_VARIABLE = "SIREN_SWEEP_CUDA_LIBS";
    /** CUDA major versions whose NVRTC and cuBLAS are bound, newest first. */
    static final int[] CUDA_MAJORS = {13, 12};
    private static final List<Path> DEFAULT_FOLDERS = List.of(Path.of("/usr/local/cuda/lib64"),
            Path.of("/usr/local/cuda/targets/x86_64-linux/lib"));

    /** The libraries, looked for where the type's description says, with the folders of the environment. */
    public static CudaLibraries load() {
        return load(folders(System.getenv(FOLDERS_VARIABLE)), true);
    }

    /** The folders of a {@value #FOLDERS_VARIABLE} value (none for null or blank). */
    static List<Path> folders(String value) {
        List<Path> folders = new ArrayList<>();
        if (value != null) {
            for (String part : value.split(":")) {
                if (!part.isBlank()) {
                    folders.add(Path.of(part.trim()));
                }
            }
        }
        return folders;
    }

    /**
     * The libraries from {@code folders} first and then, if {@code systemToo}, from the system's loader and CUDA's
     * default folders; a {@link CudaUnavailableException} naming the first one missing.
     */
    static CudaLibraries load(List<Path> folders, boolean systemToo) {
        List<String> found = new ArrayList<>();
        List<String> unloadable = new ArrayList<>();
        NativeLibrary driver = find("libcuda.so.1", folders, systemToo, found, unloadable);
        if (driver == null) {
            throw new CudaUnavailableException("no CUDA driver: libcuda.so.1 not found " + where(folders, systemToo)
                    + unloadable(unloadable) + "; this node needs the NVIDIA driver (or " + FOLDERS_VARIABLE
                    + " naming its folder)");
        }
        for (int major : CUDA_MAJORS) {
            NativeLibrary nvrtc = find("libnvrtc.so." + major, folders, systemToo, found, unloadable);
            // cuBLAS needs cuBLASLt: loaded first from where cuBLAS is, the loader finds it whatever its search path.
            NativeLibrary cublasLt = nvrtc == null ? null
                    : find("libcublasLt.so." + major, folders, systemToo, found, unloadable);
            NativeLibrary cublas = cublasLt == null ? null
                    : find("libcublas.so." + major, folders, systemToo, found, unloadable);
            if (cublas != null) {
                return new CudaLibraries(driver, nvrtc, cublas, major, List.copyOf(found));
            }
        }
        throw new CudaUnavailableException("no CUDA 13 or 12 toolkit libraries: libnvrtc.so.13, libcublasLt.so.13 and "
                + "libcublas.so.13 (or the .12 ones) not found " + where(folders, systemToo) + unloadable(unloadable)
                + "; install CUDA's NVRTC and cuBLAS (e.g. pip's nvidia-cuda-nvrtc and nvidia-cublas) and set "
                + FOLDERS_VARIABLE + " to their folders");
    }

    /** "; these were there but did not load: …" for the files that could not be opened, or "". */
    private static String unloadable(List<String> failures) {
        return failures.isEmpty() ? "" : "; there but not loadable: " + String.join("; ", failures);
    }

    private static String where(List<Path> folders, boolean systemToo) {
        List<String> places = new ArrayList<>();
        places.add(folders.isEmpty() ? FOLDERS_VARIABLE + " (unset)" : FOLDERS_VARIABLE + "=" + String.join(":",
                folders.stream().map(Path::toString).toList()));
        if (systemToo) {
            places.add("the system's library path");
            places.add(String.join(", ", DEFAULT_FOLDERS.stream().map(Path::toString).toList()));
        }
        return "(looked in " + String.join("; ", places) + ")";
    }

    /**
     * The library {@code soname} from the first place that has it, or null; records where in {@code found}, and each
     * file that is there but does not load in {@code unloadable}.
     */
    private static NativeLibrary find(String soname, List<Path> folders, boolean systemToo, List<String> found,
                                      List<String> unloadable) {
        List<Path> candidates = new ArrayList<>();
        folders.forEach(f -> candidates.add(f.resolve(soname)));
        if (systemToo) {
            NativeLibrary inFolders = first(candidates, found, unloadable);
            if (inFolders != null) {
                return inFolders;
            }
            try {
                NativeLibrary system = NativeLibrary.getInstance(soname);
                found.add(soname + " (system)");
                return system;
            } catch (UnsatisfiedLinkError e) {
                candidates.clear();
                DEFAULT_FOLDERS.forEach(f -> candidates.add(f.resolve(soname)));
            }
        }
        return first(candidates, found, unloadable);
    }

    /** The first of {@code files} that exists and loads, or null. */
    private static NativeLibrary first(List<Path> files, List<String> found, List<String> unloadable) {
        for (Path file : files) {
            if (Files.isRegularFile(file)) {
                try {
                    NativeLibrary library = NativeLibrary.getInstance(file.toString());
                    found.add(file.toString());
                    return library;
                } catch (UnsatisfiedLinkError e) {
                    unloadable.add(file + " (" + e.getMessage().lines().findFirst().orElse("") + ")");
                }
            }
        }
        return null;
    }

    /** A line for reports: CUDA major version and where each library came from. */
    public String describe() {
        return String.format(Locale.ROOT, "CUDA %d libraries: %s", cudaMajor, String.join(", ", found));
    }
}
