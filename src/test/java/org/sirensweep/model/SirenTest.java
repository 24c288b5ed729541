package org.sirensweep.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A float32 network's parameters as a Java array until the CPU engine asks for ND4J's: the same values either way
 * (ND4J's double-to-float cast rounds as Java's does), updated in place either way.
 */
class SirenTest {
    private static final SirenConfig CONFIG = SirenConfig.forImage(3, 24, 3, 30);

    @Test
    void theFloatInitialisationIsNd4jsCastOfTheDoubleOne() {
        for (long seed = 0; seed < 4; seed++) {
            float[] cast = Siren.initialise(CONFIG, seed, DataType.DOUBLE)
                    .castTo(DataType.FLOAT)
                    .floats();
            assertArrayEquals(
                    cast, Siren.initialise(CONFIG, seed, DataType.FLOAT).floats(), "seed " + seed);
            assertArrayEquals(cast, Siren.initialFloats(CONFIG, seed));
            assertArrayEquals(
                    cast,
                    Siren.initialise(CONFIG, seed, DataType.FLOAT).parameters().toFloatVector());
        }
    }

    @Test
    void parametersAreUpdatedInPlaceBeforeAndAfterTheyBecomeNd4jArrays() {
        Siren network = Siren.initialise(CONFIG, 1, DataType.FLOAT);
        assertEquals(DataType.FLOAT, network.dataType());
        float[] values = Siren.initialFloats(CONFIG, 2);
        network.assignFloats(values);
        values[0] = 42f; // the network keeps its own copy
        assertArrayEquals(Siren.initialFloats(CONFIG, 2), network.floats());
        float bias = network.bias(1).getFloat(0, 5); // the CPU engine's view, made from the floats
        assertEquals(Siren.initialFloats(CONFIG, 2)[(int) CONFIG.biasOffset(1) + 5], bias);
        network.assignFloats(Siren.initialFloats(CONFIG, 3));
        assertEquals(
                Siren.initialFloats(CONFIG, 3)[(int) CONFIG.biasOffset(1) + 5],
                network.bias(1).getFloat(0, 5),
                "an assignment reaches the views the engine holds");
        network.floats()[0] = 7f;
        assertArrayEquals(Siren.initialFloats(CONFIG, 3), network.floats(), "floats() is a copy");
    }
}
