/**
 * The engine on NVIDIA GPUs, from the node's own CUDA install: the driver, NVRTC and cuBLAS bound through JNA
 * ({@link org.sirensweep.cuda.CudaLibraries}: no native code of ours, no CUDA bytes in the jar), the kernels of the
 * engine's elementwise work ({@code kernels.cu}, compiled at run time for the GPU in hand; each launch's arguments
 * packed by the kernel's declared types, {@link org.sirensweep.cuda.KernelArguments}), and the node's GPUs by the
 * numbers nvidia-smi gives them ({@link org.sirensweep.cuda.GpuNumbering}). {@link org.sirensweep.cuda.CudaDevice}
 * is one GPU. Uses {@code model}.
 */
package org.sirensweep.cuda;
