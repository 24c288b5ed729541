package org.sirensweep.cuda;

import java.util.Comparator;
import java.util.Locale;

/** Where a GPU sits on the PCI bus: what NVML and CUDA both say of it, and so what ties their numberings together. */
record PciAddress(int domain, int bus, int device) implements Comparable<PciAddress> {
    private static final Comparator<PciAddress> ORDER = Comparator.comparingInt(PciAddress::domain)
            .thenComparingInt(PciAddress::bus)
            .thenComparingInt(PciAddress::device);

    @Override
    public int compareTo(PciAddress other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%04x:%02x:%02x.0", domain, bus, device);
    }
}
