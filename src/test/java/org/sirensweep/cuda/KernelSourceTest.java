package org.sirensweep.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What NVRTC gets: the prelude, then kernels.cu, whose kernels (with their parameters' types, read from their
 * declarations) are the ones a device looks up and launches; and a launch's arguments packed as cuLaunchKernel reads
 * them, each of its parameter's Java type.
 */
class KernelSourceTest {
    @Test
    void theKernelsAreTheFilesDeclarationsAndThePreludeDefinesItsMacros() {
        String text = KernelSource.text();
        assertTrue(text.startsWith(KernelSource.PRELUDE));
        List<String> defined = new ArrayList<>();
        Matcher kernel = Pattern.compile("(?m)^KERNEL (\\w+)\\(").matcher(text);
        while (kernel.find()) {
            defined.add(kernel.group(1));
        }
        assertEquals(defined, KernelSource.KERNELS.stream().map(Kernel::name).toList());
        assertEquals(13, defined.size());
        for (String macro : List.of("KERNEL", "DEVICE", "FLOAT_BITS", "SQRTF", "FIRST_ITEM", "ITEM_STRIDE")) {
            assertTrue(KernelSource.PRELUDE.contains("#define " + macro), macro);
        }
        assertTrue(KernelSource.OPTIONS.contains("--fmad=false"), "each operation rounds as Java's does");
    }

    @Test
    void eachParameterHasTheKindItsDeclarationSays() {
        Kernel sine = KernelSource.KERNELS.get(0);
        assertEquals("sine_activation", sine.name());
        assertEquals(
                List.of(
                        Kernel.Kind.LONG,
                        Kernel.Kind.LONG,
                        Kernel.Kind.LONG,
                        Kernel.Kind.POINTER,
                        Kernel.Kind.POINTER,
                        Kernel.Kind.POINTER,
                        Kernel.Kind.LONG,
                        Kernel.Kind.LONG,
                        Kernel.Kind.FLOAT),
                sine.parameters().stream().map(Kernel.Parameter::kind).toList());
        assertEquals("const float*", sine.parameters().get(5).type());
        List<Kernel> parsed = Kernel.declaredIn("KERNEL k(int a, double b,\n  const int* c) {}\n");
        assertEquals(
                List.of(Kernel.Kind.INT, Kernel.Kind.DOUBLE, Kernel.Kind.POINTER),
                parsed.get(0).parameters().stream().map(Kernel.Parameter::kind).toList());
        IllegalStateException odd =
                assertThrows(IllegalStateException.class, () -> Kernel.declaredIn("KERNEL k(short s) {}"));
        assertTrue(odd.getMessage().contains("kernel k has a parameter of type 'short'"), odd.getMessage());
    }

    @Test
    void argumentsOfAnotherTypeThanTheParametersAreRefusedByName() {
        Kernel fill = KernelSource.KERNELS.stream()
                .filter(k -> k.name().equals("fill"))
                .findFirst()
                .orElseThrow();
        KernelArguments packed = KernelArguments.pack(fill, 10L, 1234L, 2.5f);
        assertEquals(10L, packed.pointers().getPointer(0).getLong(0));
        assertEquals(1234L, packed.pointers().getPointer(8).getLong(0));
        assertEquals(2.5f, packed.pointers().getPointer(16).getFloat(0));
        assertEquals(0, packed.pointers().getPointer(16).getInt(4), "a slot's unused bytes are zero");
        IllegalArgumentException narrow =
                assertThrows(IllegalArgumentException.class, () -> KernelArguments.pack(fill, 10, 1234L, 2.5f));
        assertEquals("kernel fill: argument 0 (long long) must be given as Long, not Integer", narrow.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelArguments.pack(fill, 10L, 1234L, 2.5));
        IllegalArgumentException count =
                assertThrows(IllegalArgumentException.class, () -> KernelArguments.pack(fill, 10L, 1234L));
        assertEquals("kernel fill takes 3 arguments, got 2", count.getMessage());
    }
}
