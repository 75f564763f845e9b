package dev.iris.dsl.validation;

import dev.iris.dsl.generator.MemoryLayout;
import dev.iris.dsl.iris.Cluster;
import dev.iris.dsl.iris.Consistency;
import dev.iris.dsl.iris.DeclaredTypeRef;
import dev.iris.dsl.iris.Field;
import dev.iris.dsl.iris.Group;
import dev.iris.dsl.iris.Heap;
import dev.iris.dsl.iris.IrisPackage.Literals;
import dev.iris.dsl.iris.IrisSystem;
import dev.iris.dsl.iris.Message;
import dev.iris.dsl.iris.Node;
import dev.iris.dsl.iris.ObjectType;
import dev.iris.dsl.iris.PageManager;
import dev.iris.dsl.iris.Placement;
import dev.iris.dsl.iris.PrimitiveType;
import dev.iris.dsl.iris.PrimitiveTypeRef;
import dev.iris.dsl.iris.Process;
import dev.iris.dsl.iris.SharedObject;
import dev.iris.runtime.dsm.MemoryConfig;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.emf.ecore.EObject;
import org.eclipse.emf.ecore.EReference;
import org.eclipse.emf.ecore.EStructuralFeature;
import org.eclipse.xtext.EcoreUtil2;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;
import org.eclipse.xtext.validation.Check;

/**
 * Validation rules of the Iris language. Every problem carries one of the issue codes below (quick
 * fixes and tests refer to them) and is reported on the exact feature it concerns. Names that are
 * not unique and references that do not resolve are reported by Xtext itself.
 */
public class IrisValidator extends AbstractIrisValidator {
    private static final String PREFIX = "dev.iris.dsl.";
    /** Two groups of one system claim the same well-known id. */
    public static final String DUPLICATE_WELL_KNOWN_ID = PREFIX + "duplicateWellKnownId";
    /** A well-known id outside 1..2^30-2. */
    public static final String WELL_KNOWN_ID_RANGE = PREFIX + "wellKnownIdRange";
    /** A count ({@code [n]}) that is 0. */
    public static final String ZERO_COUNT = PREFIX + "zeroCount";
    /** A message field with a fixed array size. */
    public static final String SIZED_ARRAY_IN_MESSAGE = PREFIX + "sizedArrayInMessage";
    /** A message that contains itself without an array in between (infinite size). */
    public static final String MESSAGE_CONTAINS_ITSELF = PREFIX + "messageContainsItself";
    /** A field of a shared or heap object of a type without a fixed size (string, bytes without size, message). */
    public static final String SHARED_FIELD_TYPE = PREFIX + "sharedFieldType";
    /** A shared-object array without a size, or an array of size 0 in a shared or heap object. */
    public static final String SHARED_ARRAY_WITHOUT_SIZE = PREFIX + "sharedArrayWithoutSize";
    /** A heap object's array part (an array without a size) that is not its last field, or a second one. */
    public static final String ARRAY_PART = PREFIX + "arrayPart";
    /** A message field that refers to a heap object. */
    public static final String REFERENCE_IN_MESSAGE = PREFIX + "referenceInMessage";
    /** A heap smaller than a page of bookkeeping and an arena at a cluster's page size, or larger than a region can be. */
    public static final String HEAP_SIZE = PREFIX + "heapSize";
    /** A heap object type whose fixed part does not fit its heap. */
    public static final String OBJECT_SIZE = PREFIX + "objectSize";
    /** {@code atomic} on something else than a scalar int or long field of a shared or heap object. */
    public static final String ATOMIC_FIELD_TYPE = PREFIX + "atomicFieldType";
    /** {@code atomic} fields in an object whose consistency model cannot provide them. */
    public static final String ATOMIC_NEEDS_SEQUENTIAL = PREFIX + "atomicNeedsSequential";
    /** A node address that is not {@code host:port}. */
    public static final String INVALID_ADDRESS = PREFIX + "invalidAddress";
    /** A port outside 1..65535. */
    public static final String INVALID_PORT = PREFIX + "invalidPort";
    /** Two nodes of one cluster on one address. */
    public static final String DUPLICATE_ADDRESS = PREFIX + "duplicateAddress";
    /** A page size that is not a power of two between 64 bytes and 256 KiB (the runtime's MemoryConfig bounds). */
    public static final String PAGE_SIZE = PREFIX + "pageSize";
    /** A cluster without nodes. */
    public static final String BACKUP = PREFIX + "backup";
    public static final String EMPTY_CLUSTER = PREFIX + "emptyCluster";
    /** A process that no node of any cluster runs (warning). */
    public static final String PROCESS_NOT_PLACED = PREFIX + "processNotPlaced";
    /** A process placed twice on one node. */
    public static final String DUPLICATE_PLACEMENT = PREFIX + "duplicatePlacement";
    /** A message that no process handles and nothing else uses (warning). */
    public static final String MESSAGE_NOT_HANDLED = PREFIX + "messageNotHandled";
    /** A local group whose members would run on more than one node of a cluster. */
    public static final String LOCAL_GROUP_SPANS_NODES = PREFIX + "localGroupSpansNodes";
    /** A local group with a well-known id. */
    public static final String LOCAL_WELL_KNOWN = PREFIX + "localWellKnown";
    /** A home node that no cluster has (warning). */
    public static final String UNKNOWN_HOME = PREFIX + "unknownHome";
    /** The same group, message or shared object listed twice in one process (warning). */
    public static final String DUPLICATE_REFERENCE = PREFIX + "duplicateReference";
    /** A nonblocking process that handles a message with a segment (moving it blocks). */
    public static final String NONBLOCKING_SEGMENT = PREFIX + "nonblockingSegment";
    /** A message, shared object or heap object type named like a type the generated Java code needs. */
    public static final String RESERVED_NAME = PREFIX + "reservedName";

    /**
     * The simple names of the types the generated Java code refers to unqualified: what its files
     * import, what it uses of {@code java.lang}, and the records nested in the system class. A
     * message, shared object or heap object type of one of these names would shadow it in the
     * generated package.
     * {@code IrisGeneratorTest} checks that every import of the generated code is here.
     */
    public static final Set<String> RESERVED_NAMES = Set.of(
            "Ack", "ArrayList", "ByteBuf", "ByteBuffer", "ClusterSession", "Codecs", "CompletableFuture", "CompletionStage",
            "Consistency", "Dispatch", "DistributedLock", "Duration", "EmbeddedCluster", "ExecutionException",
            "Fields", "GroupReplies", "HandlerFailure", "IpcException", "Kernel", "List", "MemoryConfig",
            "MessageCodec", "Node", "NodeId", "PageManagement", "ProcessBody", "ProcessId", "RemoteHandlerException",
            "ReplyMode", "Request", "Segment", "SharedMemory", "TimeUnit", "TimeoutException",
            "Boolean", "Byte", "Class", "Double", "Error", "Exception", "IllegalArgumentException",
            "IllegalStateException", "Integer", "InterruptedException", "Long", "Math", "Object", "Override",
            "Runnable", "RuntimeException", "String", "System", "Thread", "Void",
            "ClusterSpec", "Handlers", "NodeSpec", "Placement", "HeapObject", "HeapType");

    /** The highest number a program's well-known group may have: 2^30 - 1 is the runtime's (its name servers). */
    private static final int MAX_WELL_KNOWN_ID = (1 << 30) - 2;
    /** The least number of pages of a heap: a page of bookkeeping and one arena. */
    static final int HEAP_MIN_PAGES = 1 + MemoryConfig.HEAP_ARENA_PAGES;
    /** The largest region. */
    static final long MAX_REGION_BYTES = MemoryConfig.MAX_REGION_BYTES;
    /** The page size of a cluster that does not give one. */
    private static final int DEFAULT_PAGE_SIZE = 4096;
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\]");

    // ------------------------------------------------------------------ groups

    @Check
    public void checkWellKnownIdsAreUnique(IrisSystem system) {
        Map<Integer, Group> seen = new HashMap<>();
        int max = 0;
        for (Group group : EcoreUtil2.typeSelect(system.getElements(), Group.class)) {
            if (group.isWellKnown()) {
                max = Math.max(max, group.getWellKnownId());
            }
        }
        for (Group group : EcoreUtil2.typeSelect(system.getElements(), Group.class)) {
            if (!group.isWellKnown()) {
                continue;
            }
            Group first = seen.putIfAbsent(group.getWellKnownId(), group);
            if (first != null) {
                // issue data: a free id, for the quick fix
                error("Well-known id " + group.getWellKnownId() + " is already used by group '" + first.getName() + "'",
                        group, Literals.GROUP__WELL_KNOWN_ID, DUPLICATE_WELL_KNOWN_ID, Integer.toString(++max));
            }
        }
    }

    @Check
    public void checkWellKnownId(Group group) {
        if (!group.isWellKnown()) {
            return;
        }
        if (group.getWellKnownId() < 1 || group.getWellKnownId() > MAX_WELL_KNOWN_ID) {
            error("A well-known id is between 1 and " + MAX_WELL_KNOWN_ID, group, Literals.GROUP__WELL_KNOWN_ID,
                    WELL_KNOWN_ID_RANGE);
        }
        if (group.isLocal()) {
            error("A local group cannot be well-known: its id names the node it lives on", group,
                    Literals.GROUP__WELL_KNOWN_ID, LOCAL_WELL_KNOWN);
        }
    }

    // ------------------------------------------------------------------ counts

    @Check
    public void checkProcessInstances(Process process) {
        if (process.isCounted() && parsed(process, Literals.PROCESS__INSTANCES) && process.getInstances() == 0) {
            error("A process runs at least 1 instance", process, Literals.PROCESS__INSTANCES, ZERO_COUNT, "1");
        }
        duplicates(process, process.getJoins(), Literals.PROCESS__JOINS);
        duplicates(process, process.getHandles(), Literals.PROCESS__HANDLES);
        duplicates(process, process.getUses(), Literals.PROCESS__USES);
    }

    @Check
    public void checkNonblockingHandlesNoSegment(Process process) {
        if (!process.isNonblocking()) {
            return;
        }
        List<Message> handles = process.getHandles();
        for (int i = 0; i < handles.size(); i++) {
            if (!handles.get(i).eIsProxy() && handles.get(i).isSegment()) {
                error("A nonblocking process cannot handle '" + handles.get(i).getName() + "': moving data of its "
                        + "segment waits for the sender's node", process, Literals.PROCESS__HANDLES, i,
                        NONBLOCKING_SEGMENT);
            }
        }
    }

    /**
     * Whether {@code feature} of {@code object} was written in the text: a count that failed to
     * parse ({@code Teller[]}) has its syntax error and no rule of its own.
     */
    private static boolean parsed(EObject object, EStructuralFeature feature) {
        return !NodeModelUtils.findNodesForFeature(object, feature).isEmpty();
    }

    private void duplicates(EObject owner, List<? extends EObject> refs, EReference feature) {
        Set<EObject> seen = new HashSet<>();
        for (int i = 0; i < refs.size(); i++) {
            if (!refs.get(i).eIsProxy() && !seen.add(refs.get(i))) {
                warning("Listed twice", owner, feature, i, DUPLICATE_REFERENCE);
            }
        }
    }

    // ------------------------------------------------------------------ names

    @Check
    public void checkMessageNameIsFree(Message message) {
        checkNameIsFree(message, message.getName(), Literals.ELEMENT__NAME, "message");
    }

    @Check
    public void checkSharedNameIsFree(SharedObject shared) {
        checkNameIsFree(shared, shared.getName(), Literals.ELEMENT__NAME, "shared object");
    }

    @Check
    public void checkObjectTypeNameIsFree(ObjectType type) {
        checkNameIsFree(type, type.getName(), Literals.ELEMENT__NAME, "object type");
    }

    private void checkNameIsFree(EObject owner, String name, EStructuralFeature feature, String what) {
        if (RESERVED_NAMES.contains(name)) {
            error("The generated Java code needs the name '" + name + "' for a type of its own; give the " + what
                    + " another name", owner, feature, RESERVED_NAME);
        }
    }

    @Check
    public void checkSharedInstances(SharedObject shared) {
        if (shared.isCounted() && parsed(shared, Literals.SHARED_OBJECT__INSTANCES) && shared.getInstances() == 0) {
            error("A shared object has at least 1 instance", shared, Literals.SHARED_OBJECT__INSTANCES, ZERO_COUNT, "1");
        }
    }

    @Check
    public void checkPlacementCount(Placement placement) {
        if (placement.isCounted() && parsed(placement, Literals.PLACEMENT__COUNT) && placement.getCount() == 0) {
            error("A node runs at least 1 instance of a process it names", placement, Literals.PLACEMENT__COUNT,
                    ZERO_COUNT, "1");
        }
    }

    // ------------------------------------------------------------------ fields

    @Check
    public void checkField(Field field) {
        var type = field.getType();
        if (type == null) {
            return;
        }
        if (field.eContainer() instanceof Message) {
            if (type.isArray() && type.getSize() > 0) {
                error("Message arrays have no fixed size: write '[]'", type, Literals.TYPE_REF__SIZE,
                        SIZED_ARRAY_IN_MESSAGE, "");
            }
            if (field.isAtomic()) {
                error("'atomic' is for fields of shared objects and heap objects", field, Literals.FIELD__ATOMIC,
                        ATOMIC_FIELD_TYPE);
            }
            if (type instanceof DeclaredTypeRef ref && ref.getDeclaration() instanceof ObjectType object
                    && !object.eIsProxy()) {
                error("A message carries values, not references to heap objects: send the address of the '"
                        + object.getName() + "' (a long) and take it with " + object.getName() + ".at(memory, address)",
                        field, Literals.FIELD__TYPE, REFERENCE_IN_MESSAGE);
            }
            return;
        }
        boolean heapObject = field.eContainer() instanceof ObjectType;
        String what = heapObject ? "A heap object" : "A shared object";
        if (type instanceof DeclaredTypeRef ref && ref.getDeclaration() instanceof Message message
                && !message.eIsProxy()) {
            error(what + " holds fixed-size data" + (heapObject ? " and references to heap objects" : "")
                    + ", not messages", field, Literals.FIELD__TYPE, SHARED_FIELD_TYPE);
        } else if (type instanceof PrimitiveTypeRef p) {
            if (p.getPrimitive() == PrimitiveType.STRING) {
                error(what + " holds fixed-size data: use bytes[N] instead of string", field,
                        Literals.FIELD__TYPE, SHARED_FIELD_TYPE);
            } else if (p.getPrimitive() == PrimitiveType.BYTES && !p.isArray()) {
                error(heapObject ? "Bytes in a heap object need a size: bytes[N], or bytes[] for its array part"
                        : "Shared bytes need a size: bytes[N]", field, Literals.FIELD__TYPE, SHARED_FIELD_TYPE);
            }
        }
        if (heapObject) {
            // an array without a size is the object's array part (checkObjectType); [0] is a mistake
            if (type.isArray() && parsed(type, Literals.TYPE_REF__SIZE) && type.getSize() == 0) {
                error("An array in a heap object has a size N > 0, or none ([]) for the object's array part", field,
                        Literals.FIELD__TYPE, SHARED_ARRAY_WITHOUT_SIZE);
            }
        } else if (type.isArray() && (!type.eIsSet(Literals.TYPE_REF__SIZE) || type.getSize() == 0)) {
            error("An array in a shared object has a fixed size: write [N] with N > 0", field, Literals.FIELD__TYPE,
                    SHARED_ARRAY_WITHOUT_SIZE);
        }
        if (field.isAtomic() && !(type instanceof PrimitiveTypeRef p && !p.isArray()
                && (p.getPrimitive() == PrimitiveType.LONG || p.getPrimitive() == PrimitiveType.INT))) {
            error("Only scalar long and int fields can be atomic", field, Literals.FIELD__ATOMIC, ATOMIC_FIELD_TYPE);
        }
    }

    @Check
    public void checkAtomicsNeedSequentialConsistency(SharedObject shared) {
        if (shared.getConsistency() == Consistency.SEQUENTIAL) {
            return;
        }
        for (Field field : shared.getFields()) {
            if (field.isAtomic()) {
                error("Atomic field '" + field.getName() + "' needs sequential consistency: "
                        + shared.getConsistency().getLiteral() + " consistency has no single writer to compare-and-set"
                        + (shared.getConsistency() == Consistency.TRANSACTIONAL ? " (use the transaction instead)" : ""),
                        shared, Literals.SHARED_OBJECT__CONSISTENCY, ATOMIC_NEEDS_SEQUENTIAL);
            }
        }
    }

    @Check
    public void checkMessageDoesNotContainItself(Message message) {
        Deque<Message> todo = new ArrayDeque<>();
        Set<Message> seen = new HashSet<>();
        todo.add(message);
        while (!todo.isEmpty()) {
            for (Field f : todo.pop().getFields()) {
                if (f.getType() instanceof DeclaredTypeRef ref && !ref.isArray()
                        && ref.getDeclaration() instanceof Message inner && !inner.eIsProxy()) {
                    if (inner == message) {
                        error("Message '" + message.getName() + "' contains itself; use an array (" + message.getName()
                                + "[]) to nest it", message, Literals.ELEMENT__NAME, MESSAGE_CONTAINS_ITSELF);
                        return;
                    }
                    if (seen.add(inner)) {
                        todo.add(inner);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ heaps

    @Check
    public void checkObjectType(ObjectType type) {
        List<Field> fields = type.getFields();
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            if (!isArrayPart(f) || i == fields.size() - 1) {
                continue;
            }
            Field second = fields.subList(i + 1, fields.size()).stream().filter(IrisValidator::isArrayPart).findFirst()
                    .orElse(null);
            error(second != null
                    ? "Object type '" + type.getName() + "' has two array parts, '" + f.getName() + "' and '"
                            + second.getName() + "': an object has one at most, its last field"
                    : "The array part '" + f.getName() + "' (an array without a size) must be the last field of '"
                            + type.getName() + "'", f, Literals.FIELD__TYPE, ARRAY_PART);
            break;
        }
        for (Field f : fields) {
            if ("type".equals(f.getName()) || "Type".equals(f.getName())) { // its offset constant would be TYPE
                error("The generated class of '" + type.getName() + "' has a constant TYPE for its type; give the field "
                        + "another name", f, Literals.FIELD__NAME, RESERVED_NAME);
            }
        }
        Heap heap = type.getHeap();
        if (heap == null || heap.eIsProxy() || !parsed(heap, Literals.HEAP__SIZE)) {
            return; // the linking or syntax error says it
        }
        if (heap.getConsistency() != Consistency.SEQUENTIAL) {
            for (Field field : fields) {
                if (field.isAtomic()) {
                    error("Atomic field '" + field.getName() + "' needs sequential consistency: heap '" + heap.getName()
                            + "' has " + heap.getConsistency().getLiteral() + " consistency, which has no single writer "
                            + "to compare-and-set" + (heap.getConsistency() == Consistency.TRANSACTIONAL
                                    ? " (use a transaction instead)" : ""),
                            type, Literals.OBJECT_TYPE__HEAP, ATOMIC_NEEDS_SEQUENTIAL);
                }
            }
        }
        if (fields.stream().anyMatch(f -> f.getType() == null || f.getType() instanceof DeclaredTypeRef ref
                && (ref.getDeclaration() == null || ref.getDeclaration().eIsProxy()))) {
            return; // the size is not known
        }
        long bytes = MemoryLayout.fixedSize(fields) + 8; // and the header
        long room = MemoryLayout.bytes(heap);
        if (bytes > Integer.MAX_VALUE || bytes > room) {
            error("An object of '" + type.getName() + "' takes " + bytes + " bytes, more than heap '" + heap.getName()
                    + "' has (" + room + ")", type, Literals.ELEMENT__NAME, OBJECT_SIZE);
        }
    }

    /** Whether {@code field} of a heap object is written as its array part: an array without a size. */
    private static boolean isArrayPart(Field field) {
        return field.getType() != null && field.getType().isArray() && !parsed(field.getType(), Literals.TYPE_REF__SIZE);
    }

    /**
     * A heap takes a page of bookkeeping and at least one arena of 16 pages: at least 17 pages of
     * the page size of each cluster of its system (of the default page size without clusters).
     */
    @Check
    public void checkHeapSize(Heap heap) {
        if (!parsed(heap, Literals.HEAP__SIZE)) {
            return;
        }
        long bytes = MemoryLayout.bytes(heap);
        if (bytes > MAX_REGION_BYTES) {
            error("A heap has at most 1 TiB (" + MAX_REGION_BYTES + " bytes), not " + bytes, heap, Literals.HEAP__SIZE,
                    HEAP_SIZE);
            return;
        }
        IrisSystem system = EcoreUtil2.getContainerOfType(heap, IrisSystem.class);
        List<Cluster> clusters = system == null ? List.of()
                : EcoreUtil2.typeSelect(system.getElements(), Cluster.class);
        // the cluster with the largest (valid) page size needs the most
        Cluster largest = null;
        int pageSize = DEFAULT_PAGE_SIZE;
        for (Cluster cluster : clusters) {
            int size = cluster.isPageSizeSet() ? cluster.getPageSize() : DEFAULT_PAGE_SIZE;
            if (Integer.bitCount(size) == 1 && size >= 64 && size <= (1 << 18) && (largest == null || size > pageSize)) {
                largest = cluster;
                pageSize = size;
            }
        }
        if (!clusters.isEmpty() && largest == null) {
            return; // every page size is wrong, and says so
        }
        long pages = (bytes + pageSize - 1) / pageSize;
        if (pages < HEAP_MIN_PAGES) {
            long minimum = (long) HEAP_MIN_PAGES * pageSize;
            // issue data: the least size in the unit written, and it with its unit (for the quick fix)
            long unit = MemoryLayout.bytes(heap.getUnit());
            long least = (minimum + unit - 1) / unit;
            error("Heap '" + heap.getName() + "' needs at least " + HEAP_MIN_PAGES + " pages of " + pageSize + " bytes ("
                    + (largest == null ? "the default page size" : "the page size of cluster '" + largest.getName() + "'")
                    + "): a page of bookkeeping and an arena of " + (HEAP_MIN_PAGES - 1) + " pages. Give it at least "
                    + MemoryLayout.readable(minimum), heap, Literals.HEAP__SIZE, HEAP_SIZE, Long.toString(least),
                    least + " " + heap.getUnit().getLiteral());
        }
    }

    // ------------------------------------------------------------------ clusters

    @Check
    public void checkCluster(Cluster cluster) {
        if (cluster.getNodes().isEmpty()) {
            error("Cluster '" + cluster.getName() + "' has no nodes", cluster, Literals.ELEMENT__NAME, EMPTY_CLUSTER);
        }
        if (cluster.isPageSizeSet()) {
            int size = cluster.getPageSize();
            if (Integer.bitCount(size) != 1 || size < 64 || size > (1 << 18)) {
                error("The page size is a power of two between 64 and 262144 bytes; " + size + " is not",
                        cluster, Literals.CLUSTER__PAGE_SIZE, PAGE_SIZE, Integer.toString(nearestPageSize(size)));
            }
        }
        if (cluster.isBackup() && cluster.getManager() == PageManager.DYNAMIC) {
            error("Backup copies need the fixed manager: a page's manager is what gives it a new owner, from its "
                    + "backup copy, when its owner dies, and the dynamic manager gives pages no manager. Write "
                    + "'manager fixed' or drop 'backup copies'", cluster, Literals.CLUSTER__BACKUP, BACKUP);
        } else if (cluster.isBackup() && cluster.getNodes().size() < 3) {
            error("Backup copies need at least three nodes, so that those left after one dies are a majority; '"
                    + cluster.getName() + "' has " + cluster.getNodes().size(), cluster, Literals.CLUSTER__BACKUP, BACKUP);
        }
        Map<String, Node> byAddress = new HashMap<>();
        for (Node node : cluster.getNodes()) {
            Node first = byAddress.putIfAbsent(normalized(node.getAddress()), node);
            if (first != null && node.getAddress() != null) {
                error("Nodes '" + first.getName() + "' and '" + node.getName() + "' have the same address "
                        + node.getAddress(), node, Literals.NODE__ADDRESS, DUPLICATE_ADDRESS);
            }
            Set<Process> placed = new HashSet<>();
            for (int i = 0; i < node.getPlacements().size(); i++) {
                var process = node.getPlacements().get(i).getProcess();
                if (process != null && !process.eIsProxy() && !placed.add(process)) {
                    error("Node '" + node.getName() + "' names process '" + process.getName()
                            + "' twice; give the count once: " + process.getName() + "[n]", node,
                            Literals.NODE__PLACEMENTS, i, DUPLICATE_PLACEMENT);
                }
            }
        }
        checkLocalGroups(cluster);
    }

    /** The power of two nearest to {@code size}, within 64..262144. */
    static int nearestPageSize(int size) {
        long clamped = Math.max(64, Math.min(1 << 18, (long) size));
        long lower = Long.highestOneBit(clamped);
        long upper = lower == clamped ? lower : lower << 1;
        return (int) Math.min(1 << 18, clamped - lower <= upper - clamped ? lower : upper);
    }

    private static String normalized(String address) {
        return address == null ? "" : address.trim().toLowerCase(Locale.ROOT).replace("localhost", "127.0.0.1");
    }

    @Check
    public void checkAddress(Node node) {
        String address = node.getAddress();
        if (address == null) {
            return;
        }
        int colon = address.lastIndexOf(':');
        String host = colon < 0 ? address : address.substring(0, colon);
        if (colon <= 0 || !HOST.matcher(host).matches()) {
            error("'" + address + "' is not an address: write \"host:port\", e.g. \"10.0.0.5:7001\"", node,
                    Literals.NODE__ADDRESS, INVALID_ADDRESS);
            return;
        }
        String port = address.substring(colon + 1);
        int value;
        try {
            value = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            value = -1;
        }
        if (value < 1 || value > 65535) {
            error("Port '" + port + "' of " + address + " is not between 1 and 65535", node, Literals.NODE__ADDRESS,
                    INVALID_PORT);
        }
    }

    /** A local group's members must all run on one node of each cluster. */
    private void checkLocalGroups(Cluster cluster) {
        Map<Group, Map<Node, Set<String>>> hosts = new LinkedHashMap<>();
        for (Node node : cluster.getNodes()) {
            for (Placement placement : node.getPlacements()) {
                var process = placement.getProcess();
                if (process == null || process.eIsProxy()) {
                    continue;
                }
                for (Group group : process.getJoins()) {
                    if (!group.eIsProxy() && group.isLocal()) {
                        hosts.computeIfAbsent(group, g -> new LinkedHashMap<>())
                                .computeIfAbsent(node, n -> new LinkedHashSet<>()).add(process.getName());
                    }
                }
            }
        }
        hosts.forEach((group, byNode) -> {
            if (byNode.size() > 1) {
                StringBuilder where = new StringBuilder();
                byNode.forEach((node, processes) -> where.append(where.length() == 0 ? "" : ", ")
                        .append(String.join(" and ", processes)).append(" on ").append(node.getName()));
                error("Local group '" + group.getName() + "' keeps its members on one node, but in cluster '"
                        + cluster.getName() + "' they run on " + byNode.size() + " nodes: " + where, cluster,
                        Literals.ELEMENT__NAME, LOCAL_GROUP_SPANS_NODES);
            }
        });
    }

    // ------------------------------------------------------------------ whole system

    @Check
    public void checkPlacementsAndUse(IrisSystem system) {
        List<Cluster> clusters = EcoreUtil2.typeSelect(system.getElements(), Cluster.class);
        Set<Process> placed = new HashSet<>();
        Set<String> nodeNames = new HashSet<>();
        for (Cluster cluster : clusters) {
            for (Node node : cluster.getNodes()) {
                nodeNames.add(node.getName());
                node.getPlacements().forEach(p -> placed.add(p.getProcess()));
            }
        }
        Set<Message> used = new HashSet<>();
        for (Process process : EcoreUtil2.typeSelect(system.getElements(),
                Process.class)) {
            used.addAll(process.getHandles());
            if (!clusters.isEmpty() && !placed.contains(process) && process.getName() != null) {
                warning("Process '" + process.getName() + "' runs on no node: no cluster places it", process,
                        Literals.ELEMENT__NAME, PROCESS_NOT_PLACED);
            }
        }
        for (Message message : EcoreUtil2.typeSelect(system.getElements(), Message.class)) {
            if (message.getReply() != null) {
                used.add(message.getReply());
            }
            for (Field f : message.getFields()) {
                if (f.getType() instanceof DeclaredTypeRef ref && ref.getDeclaration() instanceof Message inner) {
                    used.add(inner);
                }
            }
        }
        for (Message message : EcoreUtil2.typeSelect(system.getElements(), Message.class)) {
            if (!used.contains(message) && message.getName() != null) { // a missing name has its syntax error
                warning("No process handles message '" + message.getName() + "'", message, Literals.ELEMENT__NAME,
                        MESSAGE_NOT_HANDLED);
            }
        }
        for (SharedObject shared : EcoreUtil2.typeSelect(system.getElements(), SharedObject.class)) {
            if (shared.getHome() != null && !clusters.isEmpty() && !nodeNames.contains(shared.getHome())) {
                warning("No cluster has a node named '" + shared.getHome() + "'", shared, Literals.SHARED_OBJECT__HOME,
                        UNKNOWN_HOME);
            }
        }
    }
}
