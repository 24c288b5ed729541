package org.sirensweep.store;

import java.io.Serializable;

/**
 * Where and how a trial ran: host, Spark executor id ({@code driver} in local mode), attempt (1 for the first), the
 * GPU it was given ({@code null} for none) and the version of the Spark that ran it.
 */
public record TaskPlace(String host, String executorId, int attempt, String gpu, String sparkVersion)
        implements Serializable {}
