package org.sirensweep.cuda;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.List;

/**
 * A launch's arguments as {@code cuLaunchKernel} reads them: an array of pointers ({@code void**}), the i-th to the
 * i-th argument's value in a zeroed 8-byte slot, both in one block of native memory. Each argument must be the Java
 * type of its declared parameter ({@link Kernel.Kind}): an {@link Integer} where the kernel takes a {@code long long}
 * would leave the slot's high bytes to chance on a GPU, so it is refused here, naming the kernel and the argument.
 * The block lives as long as this object: keep it reachable until the launch has returned (CUDA copies the values
 * during the call, also when a capture records it).
 */
final class KernelArguments {
    private static final int SLOT = 8;

    private final Memory block;

    private KernelArguments(Memory block) {
        this.block = block;
    }

    /** {@code arguments} packed for a launch of {@code kernel}. */
    static KernelArguments pack(Kernel kernel, Object... arguments) {
        List<Kernel.Parameter> parameters = kernel.parameters();
        if (arguments.length != parameters.size()) {
            throw new IllegalArgumentException(
                    "kernel " + kernel.name() + " takes " + parameters.size() + " arguments, got " + arguments.length);
        }
        int count = Math.max(1, parameters.size());
        long values = (long) Native.POINTER_SIZE * count;
        Memory block = new Memory(values + (long) SLOT * count);
        block.clear();
        for (int i = 0; i < parameters.size(); i++) {
            Kernel.Parameter parameter = parameters.get(i);
            Object argument = arguments[i];
            if (argument == null || argument.getClass() != parameter.kind().javaType()) {
                throw new IllegalArgumentException("kernel " + kernel.name() + ": argument " + i + " ("
                        + parameter.type() + ") must be given as "
                        + parameter.kind().javaType().getSimpleName()
                        + ", not "
                        + (argument == null ? "null" : argument.getClass().getSimpleName()));
            }
            long slot = values + (long) SLOT * i;
            switch (parameter.kind()) {
                case LONG, POINTER -> block.setLong(slot, (Long) argument);
                case INT -> block.setInt(slot, (Integer) argument);
                case FLOAT -> block.setFloat(slot, (Float) argument);
                case DOUBLE -> block.setDouble(slot, (Double) argument);
            }
            block.setPointer((long) Native.POINTER_SIZE * i, block.share(slot));
        }
        return new KernelArguments(block);
    }

    /** The {@code void**} to hand {@code cuLaunchKernel}. */
    Pointer pointers() {
        return block;
    }
}
