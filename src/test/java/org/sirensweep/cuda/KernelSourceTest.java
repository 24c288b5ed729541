package org.sirensweep.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What NVRTC gets: the prelude, then kernels.cu, whose kernels are the ones a device looks up. */
class KernelSourceTest {
    @Test
    void theListedKernelsAreTheFilesKernelsAndThePreludeDefinesItsMacros() {
        String text = KernelSource.text();
        assertTrue(text.startsWith(KernelSource.PRELUDE));
        List<String> defined = new ArrayList<>();
        Matcher kernel = Pattern.compile("(?m)^KERNEL (\\w+)\\(").matcher(text);
        while (kernel.find()) {
            defined.add(kernel.group(1));
        }
        assertEquals(KernelSource.KERNELS, defined);
        for (String macro : List.of("KERNEL", "DEVICE", "FLOAT_BITS", "SQRTF", "FIRST_ITEM", "ITEM_STRIDE")) {
            assertTrue(KernelSource.PRELUDE.contains("#define " + macro), macro);
        }
        assertTrue(KernelSource.OPTIONS.contains("--fmad=false"), "each operation rounds as Java's does");
    }
}
