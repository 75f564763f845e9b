package dev.iris.dsl.generator;

import dev.iris.dsl.iris.Consistency;
import dev.iris.dsl.iris.Field;
import dev.iris.dsl.iris.Heap;
import dev.iris.dsl.iris.ObjectType;
import dev.iris.dsl.iris.PrimitiveType;
import dev.iris.dsl.iris.PrimitiveTypeRef;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.xtext.documentation.IEObjectDocumentationProvider;

/**
 * {@code <Object>}: a handle on an object of a heap object type, a subclass of the runtime's
 * {@code HeapObject}. The type's {@code HeapType} ({@code TYPE}), the offsets of its fields in the
 * fixed part (laid out as a shared object's instance: {@link MemoryLayout}), {@code allocate} and
 * {@code at}, getters and setters per field (compare-and-set and get-and-add for atomic fields),
 * typed references (written through the heap's {@code setReference}, the collector's write
 * barrier) and accessors of the elements of the array part.
 */
final class ObjectTypeTemplate {
    private final JavaNames names;
    private final IEObjectDocumentationProvider documentation;

    ObjectTypeTemplate(JavaNames names, IEObjectDocumentationProvider documentation) {
        this.names = names;
        this.documentation = documentation;
    }

    String generate(ObjectType type) {
        String cls = type.getName();
        Heap heap = type.getHeap();
        boolean cas = heap.getConsistency() != Consistency.RELEASE;
        List<Field> fields = type.getFields();
        List<Long> offsets = MemoryLayout.offsets(fields);
        Field arrayPart = fields.isEmpty() || !MemoryLayout.isArrayPart(fields.get(fields.size() - 1)) ? null
                : fields.get(fields.size() - 1);
        StringBuilder constants = new StringBuilder();
        StringBuilder accessors = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            String doc = documentation.getDocumentation(f);
            String name = Character.toUpperCase(f.getName().charAt(0)) + f.getName().substring(1);
            if (f == arrayPart) {
                accessors.append(JavaNames.documented(doc, elementAccessors(f, name, cas)));
                continue;
            }
            String upper = JavaNames.constant(f.getName());
            int size = MemoryLayout.elementSize(f);
            boolean array = f.getType().isArray();
            constants.append("    /** Offset of {@code ").append(f.getName()).append("} in the fixed part. */\n")
                    .append("    public static final int ").append(upper).append(" = ").append(offsets.get(i))
                    .append(";\n");
            if (array && !isBytes(f)) {
                constants.append("    /** Elements of {@code ").append(f.getName()).append("}. */\n")
                        .append("    public static final int ").append(upper).append("_LENGTH = ")
                        .append(f.getType().getSize()).append(";\n");
            }
            String where = array && !isBytes(f)
                    ? "field(" + upper + " + java.util.Objects.checkIndex(index, " + upper + "_LENGTH) * " + size + ")"
                    : "field(" + upper + ")";
            String params = array && !isBytes(f) ? "int index" : "";
            String at = array ? " at {@code index}" : "";
            if (MemoryLayout.isReference(f)) {
                ObjectType target = MemoryLayout.target(f);
                accessors.append(JavaNames.documented(doc, referenceAccessors(f.getName(), name,
                        names.qualified(target, target.getName()), params, where, "memory()", cas)));
            } else if (isBytes(f)) {
                accessors.append(JavaNames.documented(doc, """
                            /** {@code %1$s}: all %3$d bytes. */
                            public byte[] get%2$s() {
                                byte[] value = new byte[%3$d];
                                memory().read(field(%4$s), value, 0, %3$d);
                                return value;
                            }

                            /** Sets {@code %1$s}: {@code value} (at most %3$d bytes), the rest zero. */
                            public void set%2$s(byte[] value) {
                                if (value.length > %3$d) {
                                    throw new IllegalArgumentException("%1$s holds %3$d bytes, not " + value.length);
                                }
                                memory().write(field(%4$s), java.util.Arrays.copyOf(value, %3$d), 0, %3$d);
                            }

                        """.formatted(f.getName(), name, f.getType().getSize(), upper)));
            } else {
                accessors.append(JavaNames.documented(doc, primitiveAccessors(f, name, params, where, at)));
            }
        }
        String doc = JavaNames.docLines(documentation.getDocumentation(type));
        long fixed = MemoryLayout.fixedSize(fields);
        List<String> references = new ArrayList<>();
        MemoryLayout.referenceOffsets(fields).forEach(o -> references.add(Long.toString(o)));
        String elementBytes = arrayPart == null ? "0" : Integer.toString(MemoryLayout.elementSize(arrayPart));
        String heapName = names.qualified(heap, heap.getName());
        String allocate = arrayPart == null ? """
                    /**
                     * Allocates a zeroed {@code %1$s} in heap {@code %2$s}. The handle keeps it alive while it
                     * is reachable; so does a reference to it from a live object or a shared object.
                     *
                     * @throws dev.iris.runtime.dsm.MemoryException if the heap is full
                     */
                    public static %1$s allocate(SharedMemory memory) {
                        return memory.heap().allocate(TYPE, 0, address -> new %1$s(memory, address));
                    }

                    /**
                     * Allocates a zeroed {@code %1$s} in heap {@code %2$s} on the node named {@code node}, whose
                     * pages it starts on (a round trip unless that is this node).
                     *
                     * @throws dev.iris.runtime.dsm.MemoryException if no live node has that name, its heap is full,
                     *         or it did not answer within the fault time-out
                     */
                    public static %1$s allocateOn(SharedMemory memory, String node) {
                        return memory.heap().allocate(TYPE, 0, node, address -> new %1$s(memory, address));
                    }
                """.formatted(cls, heap.getName()) : """
                    /**
                     * Allocates a zeroed {@code %1$s} with {@code length} elements of {@code %3$s} in heap
                     * {@code %2$s}. The handle keeps it alive while it is reachable; so does a reference to it
                     * from a live object or a shared object.
                     *
                     * @throws IllegalArgumentException if {@code length} is negative or too large for the heap
                     * @throws dev.iris.runtime.dsm.MemoryException if the heap is full
                     */
                    public static %1$s allocate(SharedMemory memory, int length) {
                        return memory.heap().allocate(TYPE, length, address -> new %1$s(memory, address));
                    }

                    /**
                     * Allocates a zeroed {@code %1$s} with {@code length} elements in heap {@code %2$s} on the node
                     * named {@code node}, whose pages it starts on (a round trip unless that is this node).
                     *
                     * @throws IllegalArgumentException if {@code length} is negative or too large for the heap
                     * @throws dev.iris.runtime.dsm.MemoryException if no live node has that name, its heap is full,
                     *         or it did not answer within the fault time-out
                     */
                    public static %1$s allocateOn(SharedMemory memory, String node, int length) {
                        return memory.heap().allocate(TYPE, length, node, address -> new %1$s(memory, address));
                    }
                """.formatted(cls, heap.getName(), arrayPart.getName());
        String description = "Heap object type {@code " + cls + "}, allocated in heap {@code " + heapName + "} ("
                + heap.getConsistency().getLiteral() + " consistency)"
                + (type.isOwnPages() ? ", each object on pages of its own" : "") + ": a fixed part of " + fixed
                + " bytes" + (arrayPart == null ? "" : " and an array part {@code " + arrayPart.getName() + "} of "
                        + elementsOf(arrayPart) + ", whose length is chosen at allocation ({@link #length()})")
                + ". A handle names one object and keeps it alive while it is reachable in this JVM (a bare address "
                + "does not); handles are equal when they name the same object in the same node's memory.";
        String declaration = "public static final HeapType TYPE = new HeapType(" + JavaNames.literal(cls) + ", "
                + JavaNames.literal(heap.getName()) + ", " + fixed + ", List.of(" + String.join(", ", references) + "),";
        String rest = elementBytes + ", " + (arrayPart != null && MemoryLayout.isReference(arrayPart)) + ", "
                + type.isOwnPages() + ");";
        declaration += (declaration.length() + rest.length() < 112 ? " " : "\n            ") + rest;
        return """
                // Generated by Iris from %1$s. Do not edit.
                package %2$s;

                import dev.iris.runtime.dsm.HeapObject;
                import dev.iris.runtime.dsm.HeapType;
                import dev.iris.runtime.dsm.SharedMemory;
                import java.util.List;

                /**
                %3$s%5$s */
                public final class %4$s extends HeapObject {
                    /** The type, the same on every node; the cluster's memory configuration lists it. */
                    %6$s
                %7$s
                    private %4$s(SharedMemory memory, long address) {
                        super(memory, TYPE, address);
                    }

                %8$s
                    /**
                     * The {@code %4$s} at {@code address} in {@code memory}, or null for 0 (a null reference).
                     *
                     * @throws IllegalArgumentException if there is no live {@code %4$s} at {@code address}
                     */
                    public static %4$s at(SharedMemory memory, long address) {
                        return address == 0 ? null : new %4$s(memory, address);
                    }
                %9$s}
                """.formatted(MessageTemplate.source(type), names.javaPackage(), doc, cls,
                JavaNames.wrap(description, " * ", 100), declaration, constants, allocate,
                accessors.isEmpty() ? "" : "\n" + accessors.toString().stripTrailing() + "\n");
    }

    /** What the elements of an array part are, in words. */
    private String elementsOf(Field arrayPart) {
        if (MemoryLayout.isReference(arrayPart)) {
            ObjectType target = MemoryLayout.target(arrayPart);
            return "references to {@code " + names.qualified(target, target.getName()) + "}";
        }
        PrimitiveType primitive = ((PrimitiveTypeRef) arrayPart.getType()).getPrimitive();
        return primitive == PrimitiveType.BYTES ? "bytes" : "{@code " + javaType(primitive) + "} elements";
    }

    private static boolean isBytes(Field f) {
        return f.getType() instanceof PrimitiveTypeRef p && p.getPrimitive() == PrimitiveType.BYTES;
    }

    /** Getter and setter (and the atomic operations) of a primitive field of the fixed part. */
    private static String primitiveAccessors(Field f, String name, String params, String where, String at) {
        PrimitiveType primitive = ((PrimitiveTypeRef) f.getType()).getPrimitive();
        String type = javaType(primitive);
        String read = read(primitive, f.isAtomic(), where);
        String write = write(primitive, f.isAtomic(), where);
        String getter = (primitive == PrimitiveType.BOOLEAN ? "is" : "get") + name;
        StringBuilder s = new StringBuilder("""
                    /** {@code %1$s}%2$s. */
                    public %3$s %4$s(%5$s) {
                        return %6$s;
                    }

                    /** Sets {@code %1$s}%2$s. */
                    public void set%7$s(%5$s%8$s%3$s value) {
                        %9$s;
                    }

                """.formatted(f.getName(), at, type, getter, params, read, name, params.isEmpty() ? "" : ", ", write));
        if (f.isAtomic()) {
            s.append("""
                        /** Sets {@code %1$s} to {@code value} if it is {@code expected}, atomically; returns whether it was. */
                        public boolean compareAndSet%2$s(%3$s expected, %3$s value) {
                            return memory().compareAndSet(%4$s, expected, value);
                        }

                        /** Adds {@code delta} to {@code %1$s} atomically; returns the value before. */
                        public %3$s getAndAdd%2$s(%3$s delta) {
                            return %5$smemory().getAndAdd(%4$s, delta);
                        }

                    """.formatted(f.getName(), name, type, where, primitive == PrimitiveType.INT ? "(int) " : ""));
        }
        return s.toString();
    }

    /** Accessors of the elements of the array part. */
    private String elementAccessors(Field f, String name, boolean cas) {
        if (MemoryLayout.isReference(f)) {
            ObjectType target = MemoryLayout.target(f);
            return referenceAccessors(f.getName(), name, names.qualified(target, target.getName()), "int index",
                    "element(index)", "memory()", cas);
        }
        PrimitiveType primitive = ((PrimitiveTypeRef) f.getType()).getPrimitive();
        if (primitive == PrimitiveType.BYTES) {
            return """
                        /** {@code %1$s}: all {@link #length()} bytes. */
                        public byte[] get%2$s() {
                            byte[] value = new byte[length()];
                            if (value.length > 0) {
                                memory().read(element(0), value, 0, value.length);
                            }
                            return value;
                        }

                        /** Sets {@code %1$s}: {@code value} (at most {@link #length()} bytes), the rest zero. */
                        public void set%2$s(byte[] value) {
                            int length = length();
                            if (value.length > length) {
                                throw new IllegalArgumentException("%1$s holds " + length + " bytes, not " + value.length);
                            }
                            if (length > 0) {
                                memory().write(element(0), java.util.Arrays.copyOf(value, length), 0, length);
                            }
                        }

                    """.formatted(f.getName(), name);
        }
        return primitiveAccessors(f, name, "int index", "element(index)", " at {@code index} (of {@link #length()})");
    }

    /**
     * Getter, setter and (unless {@code cas} is false: a release-consistent region has no
     * compare-and-set) compare-and-set of a reference to a heap object, in a heap object or in a
     * shared object.
     *
     * @param params parameters before the value ({@code int index}, {@code int instance}), or ""
     * @param where  the expression of the reference word's address
     * @param memory the expression of the shared memory
     */
    static String referenceAccessors(String field, String name, String target, String params, String where,
            String memory, boolean cas) {
        String at = params.contains("index") ? " at {@code index}" : "";
        String before = params.isEmpty() ? "" : params + ", ";
        // a long address expression gets a line of its own
        String word = where.length() <= 24 ? where : "word";
        String local = where.length() <= 24 ? "" : "long word = " + where + ";\n        ";
        String s = """
                    /** {@code %1$s}%2$s: the {@code %3$s} it refers to, or null. */
                    public %3$s get%4$s(%5$s) {
                        %9$sreturn %6$s.heap().getReference(%7$s, address -> %3$s.at(%6$s, address));
                    }

                    /** Sets {@code %1$s}%2$s to refer to {@code value} (null for none). */
                    public void set%4$s(%8$s%3$s value) {
                        %9$s%6$s.heap().setReference(%7$s, value == null ? 0 : value.address());
                    }

                """.formatted(field, at, target, name, params, memory, word, before, local);
        if (!cas) {
            return s;
        }
        return s + """
                    /**
                     * Sets {@code %1$s}%2$s to {@code value} if it refers to {@code expected}, atomically;
                     * returns whether it did.
                     */
                    public boolean compareAndSet%4$s(%8$s%3$s expected, %3$s value) {
                        %9$sreturn %6$s.heap().compareAndSetReference(%7$s,
                                expected == null ? 0 : expected.address(), value == null ? 0 : value.address());
                    }

                """.formatted(field, at, target, name, params, memory, word, before, local);
    }

    private static String javaType(PrimitiveType primitive) {
        return switch (primitive) {
            case INT -> "int";
            case LONG -> "long";
            case DOUBLE -> "double";
            default -> "boolean";
        };
    }

    private static String read(PrimitiveType primitive, boolean atomic, String where) {
        return switch (primitive) {
            case INT -> atomic ? "(int) memory().getLong(" + where + ")" : "memory().getInt(" + where + ")";
            case LONG -> "memory().getLong(" + where + ")";
            case DOUBLE -> "memory().getDouble(" + where + ")";
            default -> "memory().getInt(" + where + ") != 0";
        };
    }

    private static String write(PrimitiveType primitive, boolean atomic, String where) {
        return switch (primitive) {
            case INT -> atomic ? "memory().setLong(" + where + ", value)" : "memory().setInt(" + where + ", value)";
            case LONG -> "memory().setLong(" + where + ", value)";
            case DOUBLE -> "memory().setDouble(" + where + ", value)";
            default -> "memory().setInt(" + where + ", value ? 1 : 0)";
        };
    }
}
