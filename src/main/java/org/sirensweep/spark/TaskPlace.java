package org.sirensweep.spark;

import java.io.Serializable;

/**
 * Where and how a trial ran: host, Spark executor id ({@code driver} in local mode), attempt (1 for the first) and
 * the GPU it was given ({@code null} for none).
 */
public record TaskPlace(String host, String executorId, int attempt, String gpu) implements Serializable {
}
