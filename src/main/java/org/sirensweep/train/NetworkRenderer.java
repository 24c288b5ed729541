package org.sirensweep.train;

/** Renders one network on a pixel grid of any size, every stream: on the CPU ({@link Renderer}) or a GPU. */
public interface NetworkRenderer extends AutoCloseable {
    /** The network at the pixel centres of a {@code height × width} grid. */
    Rendering render(int height, int width);

    @Override
    void close();
}
