package dev.iris.dsl.generator;

import dev.iris.dsl.iris.DeclaredTypeRef;
import dev.iris.dsl.iris.Field;
import dev.iris.dsl.iris.Heap;
import dev.iris.dsl.iris.ObjectType;
import dev.iris.dsl.iris.PrimitiveTypeRef;
import dev.iris.dsl.iris.SizeUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * How the fields of shared objects and heap objects lie in memory, the one rule the generator and
 * the validator share. Fields lie in declaration order, each aligned to the size of its elements:
 * 8 bytes for {@code long}, {@code double}, {@code atomic} fields and references to heap objects, 4
 * for {@code int} and {@code boolean}, 1 for {@code bytes}. A heap object's array part (its last
 * field, an array without a size) is not part of its fixed part: its elements follow it.
 */
public final class MemoryLayout {
    /** Bytes of a reference to a heap object (its address; 0 for none). */
    public static final int REFERENCE_BYTES = 8;

    private MemoryLayout() {
    }

    /** Whether {@code field} refers to heap objects (scalar or array). */
    public static boolean isReference(Field field) {
        return field.getType() instanceof DeclaredTypeRef ref && ref.getDeclaration() instanceof ObjectType;
    }

    /** The object type a reference field refers to. */
    public static ObjectType target(Field field) {
        return (ObjectType) ((DeclaredTypeRef) field.getType()).getDeclaration();
    }

    /** Whether {@code field} is the array part of a heap object: an array without a size. */
    public static boolean isArrayPart(Field field) {
        return field.eContainer() instanceof ObjectType && field.getType().isArray() && field.getType().getSize() == 0;
    }

    /** Bytes of one element of a field, which is also its alignment. */
    public static int elementSize(Field field) {
        if (field.isAtomic() || isReference(field)) {
            return 8;
        }
        if (!(field.getType() instanceof PrimitiveTypeRef type)) {
            return 8; // a message: refused by the validator
        }
        return switch (type.getPrimitive()) {
            case LONG, DOUBLE -> 8;
            case INT, BOOLEAN -> 4;
            default -> 1; // bytes
        };
    }

    /** Bytes of a field in the fixed part: elements times length (1 for a scalar, 0 for an array part). */
    public static long fieldSize(Field field) {
        if (isArrayPart(field)) {
            return 0;
        }
        return (long) elementSize(field) * (field.getType().isArray() ? field.getType().getSize() : 1);
    }

    /** The offset of each field in the fixed part, in declaration order (an array part's is where it would start). */
    public static List<Long> offsets(List<Field> fields) {
        List<Long> offsets = new ArrayList<>();
        long offset = 0;
        for (Field f : fields) {
            offset = align(offset, elementSize(f));
            offsets.add(offset);
            offset += fieldSize(f);
        }
        return offsets;
    }

    /** Bytes of the fixed part of {@code fields}, rounded up to whole words (0 without fields). */
    public static long fixedSize(List<Field> fields) {
        long offset = 0;
        for (Field f : fields) {
            offset = align(offset, elementSize(f)) + fieldSize(f);
        }
        return align(offset, 8);
    }

    /** The offsets in the fixed part of every reference word: each reference field, each element of a fixed array. */
    public static List<Long> referenceOffsets(List<Field> fields) {
        List<Long> offsets = offsets(fields);
        List<Long> references = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            if (isReference(f) && !isArrayPart(f)) {
                long length = f.getType().isArray() ? f.getType().getSize() : 1;
                for (long k = 0; k < length; k++) {
                    references.add(offsets.get(i) + k * REFERENCE_BYTES);
                }
            }
        }
        return references;
    }

    /** The bytes of a heap: its size times its unit. */
    public static long bytes(Heap heap) {
        return heap.getSize() * bytes(heap.getUnit());
    }

    /** The bytes of one {@code unit}. */
    public static long bytes(SizeUnit unit) {
        return switch (unit) {
            case BYTES -> 1L;
            case KIB -> 1L << 10;
            case MIB -> 1L << 20;
            case GIB -> 1L << 30;
        };
    }

    /** {@code bytes} in the largest unit that divides it: {@code 68 KiB}, {@code 1088 bytes}. */
    public static String readable(long bytes) {
        String[] units = {"GiB", "MiB", "KiB"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (30 - 10 * i);
            if (bytes >= unit && bytes % unit == 0) {
                return bytes / unit + " " + units[i];
            }
        }
        return bytes + " bytes";
    }

    static long align(long offset, int to) {
        return (offset + to - 1) / to * to;
    }
}
