package org.sirensweep.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.sirensweep.image.Supervision;

/** The memory plan a trial is checked against before it starts is exactly what the workspace then allocates. */
class WorkspaceTest {
    @ParameterizedTest(name = "{0}, {1} outputs, width {2}, depth {3}, {4} points, backward {5}")
    @CsvSource({
        "VANILLA,   1, 16, 1, 100, true",
        "GRADIENT,  3, 32, 2, 77,  true",
        "LAPLACIAN, 1, 8,  3, 64,  true",
        "COMBINED,  3, 16, 2, 50,  true",
        "LAPLACIAN, 3, 16, 1, 33,  false",
    })
    void bytesNeededIsWhatAllocateTakes(
            Supervision supervision, int outputs, int width, int depth, int points, boolean backward) {
        SirenConfig config = new SirenConfig(2, outputs, width, depth, 30);
        Derivatives derivatives = backward ? Derivatives.of(supervision) : Derivatives.ALL;
        Workspace ws = Workspace.allocate(config, derivatives, points, DataType.FLOAT, backward);
        assertEquals(ws.bytes(), Workspace.bytesNeeded(config, derivatives, points, DataType.FLOAT, backward));
        // A pack of 5 holds five trials' arrays side by side (the column of ones is shared).
        try (Workspace pack = Workspace.allocate(config, derivatives, points, DataType.FLOAT, backward, 5)) {
            assertEquals(pack.bytes(), Workspace.bytesNeeded(config, derivatives, points, DataType.FLOAT, backward, 5));
            assertEquals(5 * (ws.bytes() - 4L * points) + 4L * points, pack.bytes());
        }
        ws.close();
    }
}
