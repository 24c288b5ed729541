package org.sirensweep.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A kernel as {@code kernels.cu} declares it ({@code KERNEL name(type name, ...)}): its name and the C type of each
 * parameter, which say how a launch passes each argument ({@link KernelArguments}).
 *
 * @param name       the kernel's name, as the module exports it
 * @param parameters its parameters' types, in order
 */
record Kernel(String name, List<Parameter> parameters) {
    private static final Pattern DECLARATION = Pattern.compile("(?m)^KERNEL\\s+(\\w+)\\s*\\(([^)]*)\\)");

    /** A parameter's C type, as written ({@code const float*}), and what a launch passes for it. */
    record Parameter(String type, Kind kind) {}

    /** The Java value a launch passes for a parameter, and the bytes it fills (of its 8-byte slot). */
    enum Kind {
        /** {@code long long}: a {@link Long}. */
        LONG(Long.class),
        /** {@code int}: an {@link Integer}. */
        INT(Integer.class),
        /** {@code float}: a {@link Float}. */
        FLOAT(Float.class),
        /** {@code double}: a {@link Double}. */
        DOUBLE(Double.class),
        /** A device pointer ({@code float*}, {@code const int*}, ...): its address as a {@link Long}. */
        POINTER(Long.class);

        private final Class<?> javaType;

        Kind(Class<?> javaType) {
            this.javaType = javaType;
        }

        Class<?> javaType() {
            return javaType;
        }
    }

    /** The kernels {@code source} declares, in order; a parameter of a type no launch can pass is an error. */
    static List<Kernel> declaredIn(String source) {
        List<Kernel> kernels = new ArrayList<>();
        Matcher declaration = DECLARATION.matcher(source);
        while (declaration.find()) {
            List<Parameter> parameters = new ArrayList<>();
            for (String parameter : declaration.group(2).split(",")) {
                String declared = parameter.trim().replaceAll("\\s+", " ");
                String type = declared.replaceFirst("\\s*\\b\\w+$", "").trim(); // less the parameter's name
                parameters.add(new Parameter(type, kind(declaration.group(1), type)));
            }
            kernels.add(new Kernel(declaration.group(1), List.copyOf(parameters)));
        }
        return List.copyOf(kernels);
    }

    private static Kind kind(String kernel, String type) {
        if (type.endsWith("*")) {
            return Kind.POINTER;
        }
        return switch (type) {
            case "long long" -> Kind.LONG;
            case "int" -> Kind.INT;
            case "float" -> Kind.FLOAT;
            case "double" -> Kind.DOUBLE;
            default ->
                throw new IllegalStateException("kernel " + kernel + " has a parameter of type '" + type
                        + "', which no launch passes (long long, int, float, double or a pointer)");
        };
    }
}
