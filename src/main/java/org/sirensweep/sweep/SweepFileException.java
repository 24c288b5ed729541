package org.sirensweep.sweep;

/** A sweep file that cannot run: the message is one line naming the file, the key and the problem. */
public final class SweepFileException extends Exception {
    private static final long serialVersionUID = 1L;

    public SweepFileException(String message) {
        super(message);
    }
}
