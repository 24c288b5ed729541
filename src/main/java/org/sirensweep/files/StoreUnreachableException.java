package org.sirensweep.files;

/**
 * A store that has failed every call for longer than its {@link StorePatience} allows: the work stops here and a
 * later run resumes it. Never a trial's failure: the trial did nothing wrong. The message is one line.
 */
public final class StoreUnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
