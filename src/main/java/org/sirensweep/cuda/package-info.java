/**
 * The engine on NVIDIA GPUs, from the node's own CUDA install: the driver, NVRTC and cuBLAS bound through JNA
 * ({@link org.sirensweep.cuda.CudaLibraries}: no native code of ours, no CUDA bytes in the jar), the kernels of the
 * engine's elementwise work ({@code kernels.cu}, compiled at run time for the GPU in hand). Uses {@code model}.
 */
package org.sirensweep.cuda;
