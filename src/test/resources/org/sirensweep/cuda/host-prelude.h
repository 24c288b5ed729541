/*
 * The CPU's stand-in for CUDA in front of kernels.cu (the tests' counterpart of KernelSource.PRELUDE): blockIdx,
 * threadIdx, blockDim and gridDim are plain variables (one set per thread, so that two devices may run at once)
 * that host_set_thread sets before each call of a kernel function, which the fake CUDA makes once per (block,
 * thread) of a launch, in order. Built without the C library's headers.
 */
typedef struct { unsigned int x, y, z; } host_dim3;
static _Thread_local host_dim3 blockIdx, threadIdx, blockDim, gridDim;

static void host_set_thread(unsigned int block, unsigned int thread, unsigned int blocks, unsigned int threads) {
    blockIdx.x = block;
    threadIdx.x = thread;
    gridDim.x = blocks;
    blockDim.x = threads;
}

static inline int host_float_bits(float x) {
    int bits;
    __builtin_memcpy(&bits, &x, sizeof bits);
    return bits;
}

#define KERNEL void
#define DEVICE static inline
#define FLOAT_BITS(x) host_float_bits(x)
#define SQRTF(x) __builtin_sqrtf(x)
#define FIRST_ITEM ((long long) blockIdx.x * blockDim.x + threadIdx.x)
#define ITEM_STRIDE ((long long) blockDim.x * gridDim.x)
