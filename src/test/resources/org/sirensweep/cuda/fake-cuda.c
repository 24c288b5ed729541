/*
 * A fake of the parts of CUDA the engine binds: the driver API (libcuda.so.1), cuBLAS (libcublas.so.13 / .12) and
 * NVML (libnvidia-ml.so.1), on the CPU, so that the tests run the real binding (CudaDevice, CudaDriver, Cublas,
 * Nvml over JNA) on a machine without a GPU. The same file is these libraries under every name (FakeCuda links them
 * to one shared object), built with the kernels (kernels.cu after host-prelude.h) and the launch table that
 * HostKernels generates from the kernels' declarations (fake_kernels).
 *
 * What it holds the binding to, as a GPU would: a context current on the calling thread for every call; launch
 * configurations in range; kernel arguments read through the void** array cuLaunchKernel gets, by the types the
 * kernel declares, and copied when a capture records them; the launch's grid run as computed, every (block, thread)
 * in order; memory not zeroed by cuMemAlloc; copies and products inside allocations; cuBLAS's own operation codes,
 * leading dimensions and strides; the scalars of a recorded product read when it is recorded; no allocation, copy,
 * free or synchronisation while a stream captures (the capture is invalidated, as CUDA's thread-local mode does);
 * a capture that was invalidated ending with CUDA_ERROR_STREAM_CAPTURE_INVALIDATED and no graph. It counts what is
 * alive (allocations, streams, modules, graphs, cuBLAS handles, context references) so tests can see leaks, and can
 * fail a named call once (fake_fail_next) so tests can see what a failure leaves behind.
 *
 * Products go to the BLAS function set by fake_set_sgemm (the CPU engine's OpenBLAS, so that the tests compare bits)
 * or, without one, to a plain loop (another rounding, as a GPU's products have).
 *
 * Built without the C library's headers: the few functions used are declared here and bound when it loads.
 */

typedef unsigned long fake_size;
void *malloc(fake_size size);
void free(void *p);
void *memcpy(void *to, const void *from, fake_size n);
void *memset(void *p, int c, fake_size n);
int strcmp(const char *a, const char *b);
fake_size strlen(const char *s);
int snprintf(char *out, fake_size size, const char *format, ...);

typedef struct {
    const char *name;
    int parameters;
    void (*call)(void **arguments);
} fake_kernel;
extern const fake_kernel fake_kernels[];
extern const int fake_kernel_count;

/* ---------------------------------------------------------------------------------------------- state and locks */

#define MAX_GPUS 8
#define MAX_ALLOCATIONS 65536

enum {
    CUDA_SUCCESS = 0, CUDA_ERROR_INVALID_VALUE = 1, CUDA_ERROR_OUT_OF_MEMORY = 2, CUDA_ERROR_NOT_INITIALIZED = 3,
    CUDA_ERROR_NO_DEVICE = 100, CUDA_ERROR_INVALID_DEVICE = 101, CUDA_ERROR_INVALID_IMAGE = 200,
    CUDA_ERROR_INVALID_CONTEXT = 201, CUDA_ERROR_INVALID_HANDLE = 400, CUDA_ERROR_NOT_FOUND = 500,
    CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED = 900, CUDA_ERROR_STREAM_CAPTURE_INVALIDATED = 901,
    CUDA_ERROR_UNKNOWN = 999
};
enum {
    CUBLAS_STATUS_SUCCESS = 0, CUBLAS_STATUS_NOT_INITIALIZED = 1, CUBLAS_STATUS_INVALID_VALUE = 7,
    CUBLAS_STATUS_EXECUTION_FAILED = 13
};
enum { NVML_SUCCESS = 0, NVML_ERROR_UNINITIALIZED = 1, NVML_ERROR_INVALID_ARGUMENT = 2 };

typedef struct {
    unsigned long long base;
    fake_size size;
} fake_allocation;

typedef struct fake_node fake_node;
struct fake_node {
    fake_node *next;
    int kind; /* 0: a kernel, 1: a product */
    const fake_kernel *kernel;
    unsigned int blocks, threads;
    unsigned long long arguments[32];
    int ta, tb, m, n, k, lda, ldb, ldc, count;
    float alpha, beta;
    unsigned long long a, b, c;
    long long strideA, strideB, strideC;
};

typedef struct {
    int capturing;
    int invalidated;
    fake_node *first, *last;
} fake_stream;

typedef struct {
    fake_node *first;
} fake_graph;

typedef struct {
    int gpu; /* the node's GPU (its NVML index) whose context this is */
} fake_context;

typedef struct {
    fake_context *context;
    fake_stream *stream;
    int mathMode;
    unsigned long long workspace;
} fake_cublas;

typedef struct {
    int pciDomain, pciBus, pciDevice;
    int retained; /* references to the primary context */
} fake_gpu;

typedef void (*fake_sgemm_function)(int order, int ta, int tb, int m, int n, int k, float alpha, const float *a,
                                    int lda, const float *b, int ldb, float beta, float *c, int ldc);

static volatile char lock_flag;
static int initialised;
static int driver_version = 13000;
static int gpu_count = 1;
static int visible[MAX_GPUS] = {0};
static int visible_count = 1;
static fake_gpu gpus[MAX_GPUS];
static fake_context contexts[MAX_GPUS];
static _Thread_local fake_context *current;
static fake_allocation allocations[MAX_ALLOCATIONS];
static int allocation_count;
static long long live_streams, live_modules, live_graphs, live_execs, live_handles;
static long long launches, instantiated;
static unsigned int last_blocks, last_threads;
static fake_sgemm_function sgemm;
static char fail_name[64];
static int fail_code;
static int nvml_initialised;

static void lock(void) {
    while (__atomic_test_and_set(&lock_flag, __ATOMIC_ACQUIRE)) {
    }
}

static void unlock(void) {
    __atomic_clear(&lock_flag, __ATOMIC_RELEASE);
}

/* The injected failure for call `name`, once, or 0. */
static int injected(const char *name) {
    int code = 0;
    lock();
    if (fail_name[0] != 0 && strcmp(fail_name, name) == 0) {
        code = fail_code;
        fail_name[0] = 0;
    }
    unlock();
    return code;
}

#define INJECTED(name) do { int code_ = injected(name); if (code_ != 0) return code_; } while (0)
#define NEED_CONTEXT() do { if (!initialised) return CUDA_ERROR_NOT_INITIALIZED; \
    if (current == 0 || gpus[current->gpu].retained == 0) return CUDA_ERROR_INVALID_CONTEXT; } while (0)

/* -------------------------------------------------------------------------------------------- the tests' controls */

/*
 * A node of `count` GPUs (PCI buses 0x19, 0x3b, 0x5d, ...), of which the process sees `visible` (NVML indices, in
 * CUDA's order, as CUDA_VISIBLE_DEVICES lists them), under a driver of CUDA `version` (e.g. 12080). Everything alive
 * is forgotten: call it before a test, not while devices are open.
 */
void fake_configure(int count, const int *seen, int seenCount, int version) {
    lock();
    gpu_count = count < MAX_GPUS ? count : MAX_GPUS;
    visible_count = 0;
    for (int i = 0; i < seenCount && i < MAX_GPUS; i++) {
        visible[visible_count++] = seen[i];
    }
    driver_version = version;
    initialised = 0;
    for (int g = 0; g < MAX_GPUS; g++) {
        gpus[g].pciDomain = 0;
        gpus[g].pciBus = 0x19 + 0x22 * g;
        gpus[g].pciDevice = 0;
        gpus[g].retained = 0;
        contexts[g].gpu = g;
    }
    fail_name[0] = 0;
    unlock();
}

/* A library loaded without the tests' controls (the GPU check's rehearsal) is a node of one GPU, CUDA 13. */
__attribute__((constructor)) static void fake_defaults(void) {
    int first = 0;
    fake_configure(1, &first, 1, 13000);
}

/* The next call of `name` fails with `code` (a CUresult, cublasStatus_t or nvmlReturn_t). */
void fake_fail_next(const char *name, int code) {
    lock();
    fake_size n = strlen(name);
    if (n >= sizeof fail_name) {
        n = sizeof fail_name - 1;
    }
    memcpy(fail_name, name, n);
    fail_name[n] = 0;
    fail_code = code;
    unlock();
}

/* Products through `function` (cblas_sgemm's signature); null: the fake's own loop. */
void fake_set_sgemm(void *function) {
    sgemm = (fake_sgemm_function) function;
}

long long fake_allocated_bytes(void) {
    long long bytes = 0;
    lock();
    for (int i = 0; i < allocation_count; i++) {
        bytes += (long long) allocations[i].size;
    }
    unlock();
    return bytes;
}

/* Streams, modules, graphs, graph execs and cuBLAS handles alive, and references to primary contexts held. */
long long fake_live_objects(void) {
    long long retained = 0;
    for (int g = 0; g < MAX_GPUS; g++) {
        retained += gpus[g].retained;
    }
    return live_streams + live_modules + live_graphs + live_execs + live_handles + retained;
}

/* Kernels and products run (a replayed graph's each time). */
long long fake_launches(void) {
    return launches;
}

/* Graphs instantiated. */
long long fake_graphs(void) {
    return instantiated;
}

/* The grid of the last kernel run: blocks, threads per block. */
void fake_last_grid(unsigned int *blocks, unsigned int *threads) {
    *blocks = last_blocks;
    *threads = last_threads;
}

/* Runs `kernel` over `blocks` x `threads` with its arguments as cuLaunchKernel reads them (void**). */
void fake_run_kernel(const fake_kernel *kernel, unsigned int blocks, unsigned int threads, void **arguments) {
    for (unsigned int block = 0; block < blocks; block++) {
        for (unsigned int thread = 0; thread < threads; thread++) {
            host_set_thread(block, thread, blocks, threads);
            kernel->call(arguments);
        }
    }
    last_blocks = blocks;
    last_threads = threads;
}

/* The kernel named `name`, or null. */
const fake_kernel *fake_kernel_named(const char *name) {
    for (int i = 0; i < fake_kernel_count; i++) {
        if (strcmp(fake_kernels[i].name, name) == 0) {
            return &fake_kernels[i];
        }
    }
    return 0;
}

/* -------------------------------------------------------------------------------------------------------- memory */

/* Whether [address, address + bytes) lies inside one allocation. */
static int inside(unsigned long long address, unsigned long long bytes) {
    int found = 0;
    lock();
    for (int i = 0; i < allocation_count && !found; i++) {
        found = address >= allocations[i].base && address + bytes <= allocations[i].base + allocations[i].size;
    }
    unlock();
    return found;
}

/* A capture on `stream` broken by a call that may not run while it records: CUDA invalidates it. */
static int breaks_capture(fake_stream *stream) {
    if (stream != 0 && stream->capturing) {
        stream->invalidated = 1;
        return 1;
    }
    return 0;
}

/* Whether any stream captures: allocations and frees are unsafe during any capture of this thread. */
static _Thread_local fake_stream *capturing_stream;

int cuMemAlloc_v2(unsigned long long *address, fake_size bytes) {
    INJECTED("cuMemAlloc_v2");
    NEED_CONTEXT();
    if (breaks_capture(capturing_stream)) {
        return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    }
    if (bytes == 0) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    unsigned char *block = malloc(bytes);
    if (block == 0) {
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    memset(block, 0xff, bytes); /* device memory is not zeroed: all ones read as NaN */
    lock();
    if (allocation_count == MAX_ALLOCATIONS) {
        unlock();
        free(block);
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    allocations[allocation_count].base = (unsigned long long) block;
    allocations[allocation_count].size = bytes;
    allocation_count++;
    unlock();
    *address = (unsigned long long) block;
    return CUDA_SUCCESS;
}

int cuMemFree_v2(unsigned long long address) {
    INJECTED("cuMemFree_v2");
    NEED_CONTEXT();
    if (breaks_capture(capturing_stream)) {
        return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    }
    lock();
    for (int i = 0; i < allocation_count; i++) {
        if (allocations[i].base == address) {
            allocations[i] = allocations[--allocation_count];
            unlock();
            free((void *) address);
            return CUDA_SUCCESS;
        }
    }
    unlock();
    return CUDA_ERROR_INVALID_VALUE;
}

int cuMemGetInfo_v2(fake_size *available, fake_size *total) {
    NEED_CONTEXT();
    *total = 80ULL << 30;
    *available = *total - (fake_size) fake_allocated_bytes();
    return CUDA_SUCCESS;
}

static int valid_stream(fake_stream *stream) {
    return stream != 0; /* the legacy default stream (null) is never used by the engine */
}

int cuMemcpyHtoDAsync_v2(unsigned long long to, const void *from, fake_size bytes, fake_stream *stream) {
    INJECTED("cuMemcpyHtoDAsync_v2");
    NEED_CONTEXT();
    if (!valid_stream(stream)) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    if (breaks_capture(stream)) { /* a copy from pageable memory cannot be recorded */
        return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    }
    if (!inside(to, bytes)) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    memcpy((void *) to, from, bytes);
    return CUDA_SUCCESS;
}

int cuMemcpyDtoHAsync_v2(void *to, unsigned long long from, fake_size bytes, fake_stream *stream) {
    INJECTED("cuMemcpyDtoHAsync_v2");
    NEED_CONTEXT();
    if (!valid_stream(stream)) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    if (breaks_capture(stream)) {
        return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    }
    if (!inside(from, bytes)) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    memcpy(to, (const void *) from, bytes);
    return CUDA_SUCCESS;
}

int cuMemsetD8Async(unsigned long long to, unsigned char value, fake_size bytes, fake_stream *stream) {
    INJECTED("cuMemsetD8Async");
    NEED_CONTEXT();
    if (!valid_stream(stream)) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    if (breaks_capture(stream)) { /* the engine never records one: treat it as a mistake */
        return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    }
    if (!inside(to, bytes)) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    memset((void *) to, value, bytes);
    return CUDA_SUCCESS;
}

/* ------------------------------------------------------------------------------------- driver, devices, contexts */

int cuDriverGetVersion(int *version) {
    *version = driver_version;
    return CUDA_SUCCESS;
}

int cuInit(unsigned int flags) {
    INJECTED("cuInit");
    if (flags != 0) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    initialised = 1;
    return visible_count == 0 ? CUDA_ERROR_NO_DEVICE : CUDA_SUCCESS;
}

int cuDeviceGetCount(int *count) {
    if (!initialised) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    *count = visible_count;
    return CUDA_SUCCESS;
}

/* A CUdevice is its ordinal among the visible GPUs, as CUDA's are. */
int cuDeviceGet(int *device, int ordinal) {
    if (!initialised) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    if (ordinal < 0 || ordinal >= visible_count) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    *device = ordinal;
    return CUDA_SUCCESS;
}

static fake_gpu *gpu_of(int device) {
    return device >= 0 && device < visible_count ? &gpus[visible[device]] : 0;
}

int cuDeviceGetAttribute(int *value, int attribute, int device) {
    fake_gpu *gpu = gpu_of(device);
    if (!initialised) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    if (gpu == 0) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    switch (attribute) {
        case 16: *value = 4; return CUDA_SUCCESS;                 /* multiprocessors */
        case 33: *value = gpu->pciBus; return CUDA_SUCCESS;
        case 34: *value = gpu->pciDevice; return CUDA_SUCCESS;
        case 50: *value = gpu->pciDomain; return CUDA_SUCCESS;
        case 75: *value = 9; return CUDA_SUCCESS;                 /* compute capability 9.0, a Hopper */
        case 76: *value = 0; return CUDA_SUCCESS;
        default: return CUDA_ERROR_INVALID_VALUE;
    }
}

int cuDeviceGetName(char *name, int length, int device) {
    if (gpu_of(device) == 0) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    snprintf(name, (fake_size) length, "Fake GPU %d (the CPU)", visible[device]);
    return CUDA_SUCCESS;
}

int cuDeviceGetPCIBusId(char *id, int length, int device) {
    fake_gpu *gpu = gpu_of(device);
    if (gpu == 0) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    snprintf(id, (fake_size) length, "%04x:%02x:%02x.0", gpu->pciDomain, gpu->pciBus, gpu->pciDevice);
    return CUDA_SUCCESS;
}

int cuDevicePrimaryCtxRetain(fake_context **context, int device) {
    INJECTED("cuDevicePrimaryCtxRetain");
    fake_gpu *gpu = gpu_of(device);
    if (!initialised) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    if (gpu == 0) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    lock();
    gpu->retained++;
    unlock();
    *context = &contexts[visible[device]];
    return CUDA_SUCCESS;
}

int cuDevicePrimaryCtxRelease_v2(int device) {
    fake_gpu *gpu = gpu_of(device);
    if (gpu == 0) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    lock();
    int ok = gpu->retained > 0;
    gpu->retained -= ok;
    unlock();
    return ok ? CUDA_SUCCESS : CUDA_ERROR_INVALID_CONTEXT;
}

int cuCtxSetCurrent(fake_context *context) {
    if (!initialised) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    if (context != 0 && gpus[context->gpu].retained == 0) {
        return CUDA_ERROR_INVALID_CONTEXT;
    }
    current = context;
    return CUDA_SUCCESS;
}

/* ------------------------------------------------------------------------------------------------------- streams */

int cuStreamCreate(fake_stream **stream, unsigned int flags) {
    INJECTED("cuStreamCreate");
    NEED_CONTEXT();
    if (breaks_capture(capturing_stream)) {
        return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    }
    if (flags > 1) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    fake_stream *s = malloc(sizeof *s);
    memset(s, 0, sizeof *s);
    *stream = s;
    __atomic_add_fetch(&live_streams, 1, __ATOMIC_RELAXED);
    return CUDA_SUCCESS;
}

static void free_nodes(fake_node *node) {
    while (node != 0) {
        fake_node *next = node->next;
        free(node);
        node = next;
    }
}

int cuStreamDestroy_v2(fake_stream *stream) {
    NEED_CONTEXT();
    if (!valid_stream(stream)) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    if (stream->capturing) {
        return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    }
    free(stream);
    __atomic_sub_fetch(&live_streams, 1, __ATOMIC_RELAXED);
    return CUDA_SUCCESS;
}

int cuStreamSynchronize(fake_stream *stream) {
    INJECTED("cuStreamSynchronize");
    NEED_CONTEXT();
    if (!valid_stream(stream)) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    if (breaks_capture(stream)) {
        return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    }
    return CUDA_SUCCESS; /* the fake runs every operation when it is issued */
}

/* ------------------------------------------------------------------------------------------- modules and kernels */

typedef struct {
    unsigned char *image;
    fake_size size;
} fake_module;

/* Whether `text` occurs in the first `size` bytes of `image`. */
static int contains(const unsigned char *image, fake_size size, const char *text) {
    fake_size n = strlen(text);
    for (fake_size i = 0; i + n <= size; i++) {
        fake_size j = 0;
        while (j < n && image[i + j] == (unsigned char) text[j]) {
            j++;
        }
        if (j == n) {
            return 1;
        }
    }
    return 0;
}

/* A CUBIN (an ELF image) or PTX text; the module's functions are the kernels the image names. */
int cuModuleLoadData(fake_module **module, const void *image) {
    INJECTED("cuModuleLoadData");
    NEED_CONTEXT();
    const unsigned char *bytes = image;
    fake_size size;
    if (bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F') {
        /* An ELF64 image's size: its section headers end it (e_shoff + e_shnum * e_shentsize). */
        unsigned long long headers;
        unsigned short count, entry;
        memcpy(&headers, bytes + 0x28, 8);
        memcpy(&entry, bytes + 0x3a, 2);
        memcpy(&count, bytes + 0x3c, 2);
        size = headers + (fake_size) count * entry;
    } else if (contains(bytes, strlen((const char *) bytes), ".version")) {
        size = strlen((const char *) bytes);
    } else {
        return CUDA_ERROR_INVALID_IMAGE;
    }
    fake_module *m = malloc(sizeof *m);
    m->image = malloc(size);
    memcpy(m->image, bytes, size);
    m->size = size;
    *module = m;
    __atomic_add_fetch(&live_modules, 1, __ATOMIC_RELAXED);
    return CUDA_SUCCESS;
}

int cuModuleGetFunction(const fake_kernel **function, fake_module *module, const char *name) {
    NEED_CONTEXT();
    if (module == 0) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    const fake_kernel *kernel = fake_kernel_named(name);
    if (kernel == 0 || !contains(module->image, module->size, name)) {
        return CUDA_ERROR_NOT_FOUND;
    }
    *function = kernel;
    return CUDA_SUCCESS;
}

int cuModuleUnload(fake_module *module) {
    NEED_CONTEXT();
    if (module == 0) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    free(module->image);
    free(module);
    __atomic_sub_fetch(&live_modules, 1, __ATOMIC_RELAXED);
    return CUDA_SUCCESS;
}

static void record(fake_stream *stream, fake_node *node) {
    node->next = 0;
    if (stream->last == 0) {
        stream->first = node;
    } else {
        stream->last->next = node;
    }
    stream->last = node;
}

static void run_kernel_node(const fake_node *node) {
    void *pointers[32];
    for (int i = 0; i < node->kernel->parameters; i++) {
        pointers[i] = (void *) &node->arguments[i];
    }
    fake_run_kernel(node->kernel, node->blocks, node->threads, pointers);
    __atomic_add_fetch(&launches, 1, __ATOMIC_RELAXED);
}

int cuLaunchKernel(const fake_kernel *function, unsigned int gridX, unsigned int gridY, unsigned int gridZ,
                   unsigned int blockX, unsigned int blockY, unsigned int blockZ, unsigned int sharedBytes,
                   fake_stream *stream, void **parameters, void **extra) {
    INJECTED("cuLaunchKernel");
    NEED_CONTEXT();
    if (function == 0 || !valid_stream(stream)) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    if (gridX < 1 || gridX > 0x7fffffffu || gridY != 1 || gridZ != 1 || blockX < 1 || blockX > 1024
            || blockY != 1 || blockZ != 1 || sharedBytes != 0 || extra != 0 || parameters == 0) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (stream->invalidated) {
        return CUDA_ERROR_STREAM_CAPTURE_INVALIDATED;
    }
    /* The arguments are read now, as CUDA reads them at the call: 8 bytes a slot (every parameter here fits). */
    fake_node node;
    node.kind = 0;
    node.kernel = function;
    node.blocks = gridX;
    node.threads = blockX;
    for (int i = 0; i < function->parameters; i++) {
        memcpy(&node.arguments[i], parameters[i], 8);
    }
    if (stream->capturing) {
        fake_node *recorded = malloc(sizeof *recorded);
        *recorded = node;
        record(stream, recorded);
    } else {
        run_kernel_node(&node);
    }
    return CUDA_SUCCESS;
}

/* -------------------------------------------------------------------------------------------------------- graphs */

int cuStreamBeginCapture_v2(fake_stream *stream, int mode) {
    INJECTED("cuStreamBeginCapture_v2");
    NEED_CONTEXT();
    if (!valid_stream(stream) || mode < 0 || mode > 2) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (stream->capturing || capturing_stream != 0) {
        return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    }
    stream->capturing = 1;
    stream->invalidated = 0;
    stream->first = stream->last = 0;
    capturing_stream = stream;
    return CUDA_SUCCESS;
}

int cuStreamEndCapture(fake_stream *stream, fake_graph **graph) {
    NEED_CONTEXT();
    if (!valid_stream(stream) || !stream->capturing) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    stream->capturing = 0;
    capturing_stream = 0;
    if (stream->invalidated) {
        free_nodes(stream->first);
        stream->first = stream->last = 0;
        stream->invalidated = 0;
        *graph = 0;
        return CUDA_ERROR_STREAM_CAPTURE_INVALIDATED;
    }
    fake_graph *g = malloc(sizeof *g);
    g->first = stream->first;
    stream->first = stream->last = 0;
    *graph = g;
    __atomic_add_fetch(&live_graphs, 1, __ATOMIC_RELAXED);
    return CUDA_SUCCESS;
}

/* An executable graph is a copy of the graph's nodes (the graph may be destroyed after). */
int cuGraphInstantiateWithFlags(fake_graph **exec, fake_graph *graph, unsigned long long flags) {
    INJECTED("cuGraphInstantiateWithFlags");
    NEED_CONTEXT();
    if (graph == 0 || flags != 0) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    fake_graph *e = malloc(sizeof *e);
    fake_node **tail = &e->first;
    for (fake_node *node = graph->first; node != 0; node = node->next) {
        fake_node *copy = malloc(sizeof *copy);
        *copy = *node;
        copy->next = 0;
        *tail = copy;
        tail = &copy->next;
    }
    *exec = e;
    __atomic_add_fetch(&live_execs, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&instantiated, 1, __ATOMIC_RELAXED);
    return CUDA_SUCCESS;
}

static int run_product_node(const fake_node *node);

int cuGraphLaunch(fake_graph *exec, fake_stream *stream) {
    INJECTED("cuGraphLaunch");
    NEED_CONTEXT();
    if (exec == 0 || !valid_stream(stream)) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    if (breaks_capture(stream)) {
        return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    }
    for (fake_node *node = exec->first; node != 0; node = node->next) {
        if (node->kind == 0) {
            run_kernel_node(node);
        } else if (run_product_node(node) != CUBLAS_STATUS_SUCCESS) {
            return CUDA_ERROR_UNKNOWN;
        }
    }
    return CUDA_SUCCESS;
}

int cuGraphDestroy(fake_graph *graph) {
    if (graph == 0) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    free_nodes(graph->first);
    free(graph);
    __atomic_sub_fetch(&live_graphs, 1, __ATOMIC_RELAXED);
    return CUDA_SUCCESS;
}

int cuGraphExecDestroy(fake_graph *exec) {
    if (exec == 0) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    free_nodes(exec->first);
    free(exec);
    __atomic_sub_fetch(&live_execs, 1, __ATOMIC_RELAXED);
    return CUDA_SUCCESS;
}

/* -------------------------------------------------------------------------------------------------------- errors */

static const char *error_name(int code) {
    switch (code) {
        case CUDA_SUCCESS: return "CUDA_SUCCESS";
        case CUDA_ERROR_INVALID_VALUE: return "CUDA_ERROR_INVALID_VALUE";
        case CUDA_ERROR_OUT_OF_MEMORY: return "CUDA_ERROR_OUT_OF_MEMORY";
        case CUDA_ERROR_NOT_INITIALIZED: return "CUDA_ERROR_NOT_INITIALIZED";
        case CUDA_ERROR_NO_DEVICE: return "CUDA_ERROR_NO_DEVICE";
        case CUDA_ERROR_INVALID_DEVICE: return "CUDA_ERROR_INVALID_DEVICE";
        case CUDA_ERROR_INVALID_IMAGE: return "CUDA_ERROR_INVALID_IMAGE";
        case CUDA_ERROR_INVALID_CONTEXT: return "CUDA_ERROR_INVALID_CONTEXT";
        case CUDA_ERROR_INVALID_HANDLE: return "CUDA_ERROR_INVALID_HANDLE";
        case CUDA_ERROR_NOT_FOUND: return "CUDA_ERROR_NOT_FOUND";
        case CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED: return "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED";
        case CUDA_ERROR_STREAM_CAPTURE_INVALIDATED: return "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED";
        case CUDA_ERROR_UNKNOWN: return "CUDA_ERROR_UNKNOWN";
        default: return 0;
    }
}

int cuGetErrorName(int code, const char **name) {
    *name = error_name(code);
    return *name == 0 ? CUDA_ERROR_INVALID_VALUE : CUDA_SUCCESS;
}

int cuGetErrorString(int code, const char **text) {
    *text = code == CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED ? "operation not permitted when stream is capturing"
            : code == CUDA_ERROR_STREAM_CAPTURE_INVALIDATED ? "operation failed due to a previous error during capture"
            : error_name(code) == 0 ? 0 : "an error of the fake driver";
    return *text == 0 ? CUDA_ERROR_INVALID_VALUE : CUDA_SUCCESS;
}

/* --------------------------------------------------------------------------------------------------------- cuBLAS */

int cublasCreate_v2(fake_cublas **handle) {
    INJECTED("cublasCreate_v2");
    if (!initialised || current == 0 || gpus[current->gpu].retained == 0) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    fake_cublas *h = malloc(sizeof *h);
    memset(h, 0, sizeof *h);
    h->context = current;
    lock();
    gpus[current->gpu].retained++; /* as CUDA's runtime does: the handle keeps the primary context alive */
    unlock();
    *handle = h;
    __atomic_add_fetch(&live_handles, 1, __ATOMIC_RELAXED);
    return CUBLAS_STATUS_SUCCESS;
}

int cublasDestroy_v2(fake_cublas *handle) {
    if (handle == 0) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    lock();
    gpus[handle->context->gpu].retained--;
    unlock();
    free(handle);
    __atomic_sub_fetch(&live_handles, 1, __ATOMIC_RELAXED);
    return CUBLAS_STATUS_SUCCESS;
}

int cublasSetStream_v2(fake_cublas *handle, fake_stream *stream) {
    INJECTED("cublasSetStream_v2");
    if (handle == 0) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    handle->stream = stream;
    return CUBLAS_STATUS_SUCCESS;
}

int cublasSetWorkspace_v2(fake_cublas *handle, unsigned long long workspace, fake_size bytes) {
    INJECTED("cublasSetWorkspace_v2");
    if (handle == 0) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    if (bytes > 0 && !inside(workspace, bytes)) {
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    handle->workspace = workspace;
    return CUBLAS_STATUS_SUCCESS;
}

int cublasSetMathMode(fake_cublas *handle, int mode) {
    INJECTED("cublasSetMathMode");
    if (handle == 0) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    if (mode != 0 && mode != 3) { /* CUBLAS_DEFAULT_MATH, CUBLAS_TF32_TENSOR_OP_MATH */
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    handle->mathMode = mode;
    return CUBLAS_STATUS_SUCCESS;
}

const char *cublasGetStatusString(int status) {
    switch (status) {
        case CUBLAS_STATUS_SUCCESS: return "CUBLAS_STATUS_SUCCESS";
        case CUBLAS_STATUS_NOT_INITIALIZED: return "CUBLAS_STATUS_NOT_INITIALIZED";
        case CUBLAS_STATUS_INVALID_VALUE: return "CUBLAS_STATUS_INVALID_VALUE";
        case CUBLAS_STATUS_EXECUTION_FAILED: return "CUBLAS_STATUS_EXECUTION_FAILED";
        default: return "CUBLAS_STATUS_UNKNOWN";
    }
}

/* op(x) is rows x columns, stored column-major with leading dimension ld: whether it lies in one allocation. */
static int matrix_inside(unsigned long long x, int transposed, int rows, int columns, int ld) {
    int storedRows = transposed ? columns : rows;
    int storedColumns = transposed ? rows : columns;
    if (storedRows == 0 || storedColumns == 0) {
        return 1;
    }
    return inside(x, 4ULL * ((unsigned long long) (storedColumns - 1) * ld + storedRows));
}

static void plain_sgemm(int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda, const float *b,
                        int ldb, float beta, float *c, int ldc) {
    for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
            float sum = 0.0f;
            for (int l = 0; l < k; l++) {
                float x = ta ? a[(long long) i * lda + l] : a[(long long) l * lda + i];
                float y = tb ? b[(long long) l * ldb + j] : b[(long long) j * ldb + l];
                sum += x * y;
            }
            float *out = &c[(long long) j * ldc + i];
            *out = beta == 0.0f ? alpha * sum : alpha * sum + beta * *out;
        }
    }
}

static int run_product_node(const fake_node *node) {
    for (int i = 0; i < node->count; i++) {
        unsigned long long a = node->a + 4ULL * (unsigned long long) (i * node->strideA);
        unsigned long long b = node->b + 4ULL * (unsigned long long) (i * node->strideB);
        unsigned long long c = node->c + 4ULL * (unsigned long long) (i * node->strideC);
        if (!matrix_inside(a, node->ta, node->m, node->k, node->lda)
                || !matrix_inside(b, node->tb, node->k, node->n, node->ldb)
                || !matrix_inside(c, 0, node->m, node->n, node->ldc)) {
            return CUBLAS_STATUS_EXECUTION_FAILED; /* on a GPU: an illegal address */
        }
        if (sgemm != 0) {
            sgemm(102, node->ta ? 112 : 111, node->tb ? 112 : 111, node->m, node->n, node->k, node->alpha,
                  (const float *) a, node->lda, (const float *) b, node->ldb, node->beta, (float *) c, node->ldc);
        } else {
            plain_sgemm(node->ta, node->tb, node->m, node->n, node->k, node->alpha, (const float *) a, node->lda,
                        (const float *) b, node->ldb, node->beta, (float *) c, node->ldc);
        }
    }
    __atomic_add_fetch(&launches, 1, __ATOMIC_RELAXED);
    return CUBLAS_STATUS_SUCCESS;
}

/* cuBLAS's checks of a product's shape (its documented CUBLAS_STATUS_INVALID_VALUE cases). */
static int product(fake_cublas *handle, int ta, int tb, int m, int n, int k, const float *alpha,
                   unsigned long long a, int lda, long long strideA, unsigned long long b, int ldb, long long strideB,
                   const float *beta, unsigned long long c, int ldc, long long strideC, int count) {
    if (handle == 0 || handle->stream == 0) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    if (current != handle->context) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    if (ta < 0 || ta > 2 || tb < 0 || tb > 2 || m < 0 || n < 0 || k < 0 || count < 0
            || lda < (ta == 0 ? (m > 1 ? m : 1) : (k > 1 ? k : 1))
            || ldb < (tb == 0 ? (k > 1 ? k : 1) : (n > 1 ? n : 1)) || ldc < (m > 1 ? m : 1)) {
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    fake_node node;
    node.kind = 1;
    node.ta = ta != 0;
    node.tb = tb != 0;
    node.m = m;
    node.n = n;
    node.k = k;
    node.alpha = *alpha; /* host scalars: read at the call, and baked into a recorded product */
    node.beta = *beta;
    node.a = a;
    node.lda = lda;
    node.strideA = strideA;
    node.b = b;
    node.ldb = ldb;
    node.strideB = strideB;
    node.c = c;
    node.ldc = ldc;
    node.strideC = strideC;
    node.count = count;
    fake_stream *stream = handle->stream;
    if (stream->invalidated) {
        return CUBLAS_STATUS_EXECUTION_FAILED;
    }
    if (stream->capturing) {
        fake_node *recorded = malloc(sizeof *recorded);
        *recorded = node;
        record(stream, recorded);
        return CUBLAS_STATUS_SUCCESS;
    }
    return run_product_node(&node);
}

int cublasSgemm_v2(fake_cublas *handle, int ta, int tb, int m, int n, int k, const float *alpha,
                   unsigned long long a, int lda, unsigned long long b, int ldb, const float *beta,
                   unsigned long long c, int ldc) {
    INJECTED("cublasSgemm_v2");
    return product(handle, ta, tb, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, 1);
}

int cublasSgemmStridedBatched(fake_cublas *handle, int ta, int tb, int m, int n, int k, const float *alpha,
                              unsigned long long a, int lda, long long strideA, unsigned long long b, int ldb,
                              long long strideB, const float *beta, unsigned long long c, int ldc, long long strideC,
                              int count) {
    INJECTED("cublasSgemmStridedBatched");
    return product(handle, ta, tb, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, count);
}

/* ----------------------------------------------------------------------------------------------------------- NVML */

/* NVML sees every GPU of the node, whatever CUDA_VISIBLE_DEVICES says; a device handle is its index + 1. */
int nvmlInit_v2(void) {
    INJECTED("nvmlInit_v2");
    nvml_initialised = 1;
    return NVML_SUCCESS;
}

int nvmlShutdown(void) {
    nvml_initialised = 0;
    return NVML_SUCCESS;
}

int nvmlDeviceGetCount_v2(unsigned int *count) {
    if (!nvml_initialised) {
        return NVML_ERROR_UNINITIALIZED;
    }
    *count = (unsigned int) gpu_count;
    return NVML_SUCCESS;
}

int nvmlDeviceGetHandleByIndex_v2(unsigned int index, void **device) {
    if (!nvml_initialised) {
        return NVML_ERROR_UNINITIALIZED;
    }
    if (index >= (unsigned int) gpu_count) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    *device = (void *) (unsigned long long) (index + 1);
    return NVML_SUCCESS;
}

/* nvmlPciInfo_t: busIdLegacy[16], domain, bus, device, pciDeviceId, pciSubSystemId, busId[32]. */
typedef struct {
    char busIdLegacy[16];
    unsigned int domain, bus, device, pciDeviceId, pciSubSystemId;
    char busId[32];
} fake_pci_info;

int nvmlDeviceGetPciInfo_v3(void *device, fake_pci_info *info) {
    unsigned long long index = (unsigned long long) device - 1;
    if (!nvml_initialised) {
        return NVML_ERROR_UNINITIALIZED;
    }
    if (index >= (unsigned long long) gpu_count) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    fake_gpu *gpu = &gpus[index];
    memset(info, 0, sizeof *info);
    info->domain = (unsigned int) gpu->pciDomain;
    info->bus = (unsigned int) gpu->pciBus;
    info->device = (unsigned int) gpu->pciDevice;
    snprintf(info->busId, sizeof info->busId, "%08x:%02x:%02x.0", gpu->pciDomain, gpu->pciBus, gpu->pciDevice);
    return NVML_SUCCESS;
}

const char *nvmlErrorString(int result) {
    return result == NVML_SUCCESS ? "Success" : "an error of the fake NVML";
}
