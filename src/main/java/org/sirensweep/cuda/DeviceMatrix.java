package org.sirensweep.cuda;

/**
 * A float matrix in device memory, f-order and contiguous: {@code [rows, columns]} at {@code address}, column j at
 * {@code address + 4 · j · rows}. In a pack's arrays the columns are the trials' blocks side by side.
 */
public record DeviceMatrix(long address, int rows, int columns) {}
