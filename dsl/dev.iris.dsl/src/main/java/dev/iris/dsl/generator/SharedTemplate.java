package dev.iris.dsl.generator;

import dev.iris.dsl.iris.Consistency;
import dev.iris.dsl.iris.Field;
import dev.iris.dsl.iris.ObjectType;
import dev.iris.dsl.iris.PrimitiveType;
import dev.iris.dsl.iris.PrimitiveTypeRef;
import dev.iris.dsl.iris.SharedObject;
import java.util.List;
import org.eclipse.xtext.documentation.IEObjectDocumentationProvider;

/**
 * {@code <Shared>}: typed access to a shared object in distributed shared memory. Its instances
 * lie one after the other in the object's region; each field has a fixed offset in an instance
 * ({@link MemoryLayout}) and each instance is a multiple of 8 bytes. Getters and setters per field
 * (and index), compare-and-set and get-and-add for atomic fields, typed references to heap objects
 * (whose words are the roots of the heaps' collector: {@code references()}), a lock per object and
 * per instance, and the transaction of transactional objects.
 */
final class SharedTemplate {
    private final JavaNames names;
    private final IEObjectDocumentationProvider documentation;

    SharedTemplate(JavaNames names, IEObjectDocumentationProvider documentation) {
        this.names = names;
        this.documentation = documentation;
    }

    /** Bytes of one instance: the fields with their alignment, rounded up to 8. */
    static long instanceSize(SharedObject shared) {
        return Math.max(8, MemoryLayout.fixedSize(shared.getFields()));
    }

    String generate(SharedObject shared) {
        String cls = shared.getName();
        Consistency consistency = shared.getConsistency();
        boolean counted = shared.isCounted() && shared.getInstances() > 1;
        int instances = shared.isCounted() ? shared.getInstances() : 1;
        String param = counted ? "int instance, " : "";
        String arg = counted ? "instance, " : "";
        StringBuilder constants = new StringBuilder();
        StringBuilder accessors = new StringBuilder();
        StringBuilder roots = new StringBuilder();
        List<Long> offsets = MemoryLayout.offsets(shared.getFields());
        for (int i = 0; i < shared.getFields().size(); i++) {
            Field f = shared.getFields().get(i);
            long offset = offsets.get(i);
            int size = MemoryLayout.elementSize(f);
            String upper = JavaNames.constant(f.getName());
            String name = Character.toUpperCase(f.getName().charAt(0)) + f.getName().substring(1);
            String doc = documentation.getDocumentation(f);
            constants.append("    /** Offset of {@code ").append(f.getName()).append("} in an instance. */\n")
                    .append("    public static final long ").append(upper).append(" = ").append(offset).append(";\n");
            boolean array = f.getType().isArray();
            if (MemoryLayout.isReference(f)) {
                if (array) {
                    constants.append("    /** Elements of {@code ").append(f.getName()).append("}. */\n")
                            .append("    public static final int ").append(upper).append("_LENGTH = ")
                            .append(f.getType().getSize()).append(";\n");
                }
                String params = param + (array ? "int index" : "");
                params = params.endsWith(", ") ? params.substring(0, params.length() - 2) : params;
                String where = array
                        ? "address(" + arg + upper + ") + (long) java.util.Objects.checkIndex(index, " + upper
                                + "_LENGTH) * " + size
                        : "address(" + arg + upper + ")";
                ObjectType target = MemoryLayout.target(f);
                accessors.append(JavaNames.documented(doc, ObjectTypeTemplate.referenceAccessors(f.getName(), name,
                        names.qualified(target, target.getName()), params, where, "memory",
                        consistency != Consistency.RELEASE)));
                roots.append(array ? ROOT_ARRAY.formatted(upper) : ROOT.formatted(upper));
                continue;
            }
            PrimitiveType primitive = ((PrimitiveTypeRef) f.getType()).getPrimitive();
            if (primitive == PrimitiveType.BYTES) {
                int length = f.getType().getSize();
                accessors.append(JavaNames.documented(doc, """
                            /** {@code %1$s}: all %3$d bytes. */
                            public byte[] get%2$s(%7$s) {
                                byte[] value = new byte[%3$d];
                                memory.read(address(%5$s%6$s), value, 0, %3$d);
                                return value;
                            }

                            /** Sets {@code %1$s}: {@code value} (at most %3$d bytes), the rest zero. */
                            public void set%2$s(%4$sbyte[] value) {
                                if (value.length > %3$d) {
                                    throw new IllegalArgumentException("%1$s holds %3$d bytes, not " + value.length);
                                }
                                byte[] padded = java.util.Arrays.copyOf(value, %3$d);
                                memory.write(address(%5$s%6$s), padded, 0, %3$d);
                            }

                        """.formatted(f.getName(), name, length, param, counted ? "instance, " : "", upper,
                        counted ? "int instance" : "")));
                continue;
            }
            String type = switch (primitive) {
                case INT -> "int";
                case LONG -> "long";
                case DOUBLE -> "double";
                default -> "boolean";
            };
            String indexParam = array ? "int index" : "";
            String params = param + indexParam;
            params = params.endsWith(", ") ? params.substring(0, params.length() - 2) : params;
            String where = array
                    ? "address(" + arg + upper + ") + (long) java.util.Objects.checkIndex(index, " + upper
                            + "_LENGTH) * " + size
                    : "address(" + arg + upper + ")";
            String read = switch (primitive) {
                case INT -> f.isAtomic() ? "(int) memory.getLong(" + where + ")" : "memory.getInt(" + where + ")";
                case LONG -> "memory.getLong(" + where + ")";
                case DOUBLE -> "memory.getDouble(" + where + ")";
                default -> "memory.getInt(" + where + ") != 0";
            };
            String write = switch (primitive) {
                case INT -> f.isAtomic() ? "memory.setLong(" + where + ", value)" : "memory.setInt(" + where + ", value)";
                case LONG -> "memory.setLong(" + where + ", value)";
                case DOUBLE -> "memory.setDouble(" + where + ", value)";
                default -> "memory.setInt(" + where + ", value ? 1 : 0)";
            };
            if (array) {
                constants.append("    /** Elements of {@code ").append(f.getName()).append("}. */\n")
                        .append("    public static final int ").append(upper).append("_LENGTH = ")
                        .append(f.getType().getSize()).append(";\n");
            }
            String getter = (primitive == PrimitiveType.BOOLEAN ? "is" : "get") + name;
            accessors.append(JavaNames.documented(doc, """
                        /** {@code %1$s}%2$s. */
                        public %3$s %4$s(%5$s) {
                            return %6$s;
                        }

                        /** Sets {@code %1$s}%2$s. */
                        public void set%7$s(%5$s%8$s%3$s value) {
                            %9$s;
                        }

                    """.formatted(f.getName(), array ? " at {@code index}" : "", type, getter, params, read, name,
                    params.isEmpty() ? "" : ", ", write)));
            if (f.isAtomic()) {
                String cast = primitive == PrimitiveType.INT ? "(int) " : "";
                accessors.append("""
                            /** Sets {@code %1$s} to {@code value} if it is {@code expected}, atomically; returns whether it was. */
                            public boolean compareAndSet%2$s(%3$s%4$s%5$s expected, %5$s value) {
                                return memory.compareAndSet(%6$s, expected, value);
                            }

                            /** Adds {@code delta} to {@code %1$s} atomically; returns the value before. */
                            public %5$s getAndAdd%2$s(%3$s%4$s%5$s delta) {
                                return %7$smemory.getAndAdd(%6$s, delta);
                            }

                        """.formatted(f.getName(), name, params, params.isEmpty() ? "" : ", ", type, where, cast));
            }
        }
        String transaction = consistency != Consistency.TRANSACTIONAL ? "" : """
                    /** Runs {@code body} as one optimistic transaction over this and other transactional objects. */
                    public <T> T transaction(java.util.function.Supplier<T> body) {
                        return memory.transaction(body);
                    }

                    /** Runs {@code body} as one optimistic transaction over this and other transactional objects. */
                    public void transaction(Runnable body) {
                        memory.transaction(body);
                    }

                """;
        String instanceLock = !counted ? "" : """
                    /** The lock of one instance. */
                    public DistributedLock lock(int instance) {
                        return memory.lock(REGION + "#" + java.util.Objects.checkIndex(instance, INSTANCES));
                    }

                """;
        String address = counted ? """
                    /** The global address of {@code field} (an offset constant) of {@code instance}. */
                    public long address(int instance, long field) {
                        return base + (long) java.util.Objects.checkIndex(instance, INSTANCES) * SIZE + field;
                    }
                """ : """
                    /** The global address of {@code field} (an offset constant). */
                    public long address(long field) {
                        return base + field;
                    }
                """;
        String doc = JavaNames.docLines(documentation.getDocumentation(shared));
        return """
                // Generated by Iris from %1$s. Do not edit.
                package %2$s;

                import dev.iris.runtime.dsm.Consistency;
                import dev.iris.runtime.dsm.DistributedLock;
                import dev.iris.runtime.dsm.MemoryConfig;
                import dev.iris.runtime.dsm.SharedMemory;
                import java.util.ArrayList;
                import java.util.List;

                /**
                %3$s * Shared object {@code %4$s}: %5$d instance(s) of %6$d bytes in region {@code %4$s}, %7$s
                 * consistency. Every node sees the same memory through its own instance of this class.
                 */
                public final class %4$s {
                    /** The region's name. */
                    public static final String REGION = "%4$s";
                    /** How many instances the region holds. */
                    public static final int INSTANCES = %5$d;
                    /** Bytes per instance. */
                    public static final long SIZE = %6$d;
                %8$s
                    private final SharedMemory memory;
                    private final long base;

                    /** This object in {@code memory} (a node's shared memory; see {@code kernel.memory()}). */
                    public %4$s(SharedMemory memory) {
                        this.memory = memory;
                        this.base = memory.region(REGION).base();
                    }

                    /** The region to declare in the cluster's memory configuration. */
                    public static MemoryConfig.Region region() {
                        return new MemoryConfig.Region(REGION, INSTANCES * SIZE, Consistency.%9$s, %10$s)%15$s;
                    }

                %16$s%11$s
                %12$s    /** The lock of the whole object, the same on every node. */
                    public DistributedLock lock() {
                        return memory.lock(REGION);
                    }

                %13$s%14$s}
                """.formatted(shared.eResource() == null ? "an .iris file" : shared.eResource().getURI().lastSegment(),
                names.javaPackage(), doc, cls, instances, instanceSize(shared),
                consistency.getLiteral(), constants, consistency.name(),
                shared.getHome() == null ? "null" : JavaNames.literal(shared.getHome()), address, accessors,
                instanceLock, transaction, roots.isEmpty() ? "" : "\n                .withReferences(references())",
                roots.isEmpty() ? "" : REFERENCES.formatted(roots));
    }

    /** The offset of a reference field in each instance, in the loop of {@code references()}. */
    private static final String ROOT = """
                        offsets.add(instance * SIZE + %s);
            """;

    /** The offsets of the elements of a fixed array of references in each instance. */
    private static final String ROOT_ARRAY = """
                        for (int i = 0; i < %1$s_LENGTH; i++) {
                            offsets.add(instance * SIZE + %1$s + i * 8L);
                        }
            """;

    /** {@code references()}: the roots of the heaps' collector in the object's region. */
    private static final String REFERENCES = """
                /**
                 * The offsets in the region of the words that refer to heap objects, in every instance: the
                 * roots from which the heaps' collector finds the objects that are live.
                 */
                public static List<Long> references() {
                    List<Long> offsets = new ArrayList<>();
                    for (long instance = 0; instance < INSTANCES; instance++) {
            %s        }
                    return offsets;
                }

            """;
}
