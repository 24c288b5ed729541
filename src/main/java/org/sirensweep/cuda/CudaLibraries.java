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
 * {@code .12}, {@code libcublasLt.so.13} and {@code libcublas.so.13} / {@code .12}; the newest the driver supports
 * wins, all from the same major version), and NVML ({@code libnvidia-ml.so.1}, also the driver's; optional: it
 * numbers the GPUs as nvidia-smi does, {@link GpuNumbering}). Each is looked for in the folders of {@value
 * #FOLDERS_VARIABLE} (colon-separated) first, then by the system's loader (its cache and {@code LD_LIBRARY_PATH}),
 * then in {@code /usr/local/cuda}'s library folders. A library not found is one line naming it and where it was
 * looked for. Every library is held here (NVRTC with its builtins, cuBLAS with cuBLASLt): JNA unloads what nobody
 * holds.
 *
 * @param driver        the CUDA driver API
 * @param driverVersion the newest CUDA the driver supports, e.g. 12080 for 12.8
 * @param nvrtc         the runtime compiler of the kernels
 * @param cublasLt      cuBLAS's own dependency, loaded first from where cuBLAS is
 * @param cublas        the matrix products
 * @param nvml          the driver's management library, or null where the node has none
 * @param cudaMajor     the CUDA major version of NVRTC and cuBLAS (12 or 13)
 * @param found         where each came from, for reports
 */
public record CudaLibraries(
        NativeLibrary driver,
        int driverVersion,
        Nvrtc nvrtc,
        NativeLibrary cublasLt,
        NativeLibrary cublas,
        NativeLibrary nvml,
        int cudaMajor,
        List<String> found) {
    /** The variable naming folders to look in first, e.g. a pip install's {@code .../nvidia/cu13/lib}. */
    public static final String FOLDERS_VARIABLE = "SIREN_SWEEP_CUDA_LIBS";
    /** CUDA major versions whose NVRTC and cuBLAS are bound, newest first. */
    static final int[] CUDA_MAJORS = {13, 12};

    private static final List<Path> DEFAULT_FOLDERS =
            List.of(Path.of("/usr/local/cuda/lib64"), Path.of("/usr/local/cuda/targets/x86_64-linux/lib"));

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
     * default folders; a {@link CudaUnavailableException} naming the first one missing. NVRTC and cuBLAS of a CUDA
     * newer than the driver supports are passed over (they would fail at their first call), and a node that has only
     * those is told so.
     */
    static CudaLibraries load(List<Path> folders, boolean systemToo) {
        Search search = new Search(folders, systemToo);
        NativeLibrary driver = search.find("libcuda.so.1");
        if (driver == null) {
            throw new CudaUnavailableException("no CUDA driver: libcuda.so.1 not found " + search.where()
                    + search.unloadable() + "; this node needs the NVIDIA driver (or " + FOLDERS_VARIABLE
                    + " naming its folder)");
        }
        int driverVersion = new CudaDriver(driver).version();
        int driverMajor = driverVersion / 1000;
        List<Integer> tooNew = new ArrayList<>();
        for (int major : CUDA_MAJORS) {
            if (major > driverMajor) {
                if (search.exists("libcublas.so." + major)) {
                    tooNew.add(major);
                }
                continue;
            }
            NativeLibrary nvrtc = search.find("libnvrtc.so." + major);
            // cuBLAS needs cuBLASLt: loaded first from where cuBLAS is, the loader finds it whatever its search path.
            NativeLibrary cublasLt = nvrtc == null ? null : search.find("libcublasLt.so." + major);
            NativeLibrary cublas = cublasLt == null ? null : search.find("libcublas.so." + major);
            if (cublas != null) {
                NativeLibrary nvml = search.find("libnvidia-ml.so.1");
                return new CudaLibraries(
                        driver,
                        driverVersion,
                        new Nvrtc(nvrtc),
                        cublasLt,
                        cublas,
                        nvml,
                        major,
                        List.copyOf(search.found));
            }
        }
        String supported = "the NVIDIA driver supports CUDA up to " + driverMajor + "." + driverVersion % 1000 / 10;
        if (driverMajor < CUDA_MAJORS[CUDA_MAJORS.length - 1]) {
            throw new CudaUnavailableException(supported + ", and the engine needs CUDA 12 or 13: update the driver");
        }
        if (!tooNew.isEmpty()) {
            throw new CudaUnavailableException(supported + ", but the toolkit libraries found are CUDA "
                    + tooNew.get(0) + "'s " + search.where() + ", which need a newer driver: install CUDA "
                    + driverMajor + "'s NVRTC and cuBLAS (e.g. pip's nvidia-cuda-nvrtc-cu" + driverMajor
                    + " and nvidia-cublas-cu" + driverMajor + ") and set " + FOLDERS_VARIABLE + " to their folders, "
                    + "or update the driver");
        }
        throw new CudaUnavailableException("no CUDA 13 or 12 toolkit libraries: libnvrtc.so.13, libcublasLt.so.13 and "
                + "libcublas.so.13 (or the .12 ones) not found " + search.where() + search.unloadable()
                + "; install CUDA's NVRTC and cuBLAS (e.g. pip's nvidia-cuda-nvrtc and nvidia-cublas) and set "
                + FOLDERS_VARIABLE + " to their folders");
    }

    /** One lookup's places, what it found there and what it found but could not load. */
    private static final class Search {
        private final List<Path> folders;
        private final boolean systemToo;
        private final List<String> found = new ArrayList<>();
        private final List<String> unloadable = new ArrayList<>();

        Search(List<Path> folders, boolean systemToo) {
            this.folders = folders;
            this.systemToo = systemToo;
        }

        /** The library {@code soname} from the first place that has it, or null. */
        NativeLibrary find(String soname) {
            NativeLibrary inFolders = first(candidates(folders, soname));
            if (inFolders != null || !systemToo) {
                return inFolders;
            }
            try {
                NativeLibrary system = NativeLibrary.getInstance(soname);
                found.add(soname + " (system)");
                return system;
            } catch (UnsatisfiedLinkError e) {
                return first(candidates(DEFAULT_FOLDERS, soname));
            }
        }

        /** Whether a file named {@code soname} is in the folders looked in (without loading it). */
        boolean exists(String soname) {
            List<Path> places = new ArrayList<>(candidates(folders, soname));
            if (systemToo) {
                places.addAll(candidates(DEFAULT_FOLDERS, soname));
            }
            return places.stream().anyMatch(Files::isRegularFile);
        }

        private static List<Path> candidates(List<Path> folders, String soname) {
            return folders.stream().map(f -> f.resolve(soname)).toList();
        }

        /** The first of {@code files} that exists and loads, or null. */
        private NativeLibrary first(List<Path> files) {
            for (Path file : files) {
                if (Files.isRegularFile(file)) {
                    try {
                        NativeLibrary library = NativeLibrary.getInstance(file.toString());
                        found.add(file.toString());
                        return library;
                    } catch (UnsatisfiedLinkError e) {
                        unloadable.add(
                                file + " (" + e.getMessage().lines().findFirst().orElse("") + ")");
                    }
                }
            }
            return null;
        }

        /** "; there but not loadable: …" for the files that could not be opened, or "". */
        String unloadable() {
            return unloadable.isEmpty() ? "" : "; there but not loadable: " + String.join("; ", unloadable);
        }

        String where() {
            List<String> places = new ArrayList<>();
            places.add(
                    folders.isEmpty()
                            ? FOLDERS_VARIABLE + " (unset)"
                            : FOLDERS_VARIABLE + "="
                                    + String.join(
                                            ":",
                                            folders.stream().map(Path::toString).toList()));
            if (systemToo) {
                places.add("the system's library path");
                places.add(String.join(
                        ", ", DEFAULT_FOLDERS.stream().map(Path::toString).toList()));
            }
            return "(looked in " + String.join("; ", places) + ")";
        }
    }

    /** A line for reports: the driver's CUDA, the toolkit's major version and where each library came from. */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "driver for CUDA %d.%d, CUDA %d libraries: %s",
                driverVersion / 1000,
                driverVersion % 1000 / 10,
                cudaMajor,
                String.join(", ", found));
    }
}
