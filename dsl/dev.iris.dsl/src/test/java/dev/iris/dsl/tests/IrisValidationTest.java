package dev.iris.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Inject;
import dev.iris.dsl.iris.IrisPackage.Literals;
import dev.iris.dsl.iris.IrisSystem;
import dev.iris.dsl.validation.IrisValidator;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.emf.ecore.EClass;
import org.eclipse.xtext.diagnostics.Severity;
import org.eclipse.xtext.testing.InjectWith;
import org.eclipse.xtext.testing.extensions.InjectionExtension;
import org.eclipse.xtext.testing.util.ParseHelper;
import org.eclipse.xtext.testing.validation.ValidationTestHelper;
import org.eclipse.xtext.validation.Issue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every validation rule, with the exact issue it must raise, and a complete program that raises none. */
@ExtendWith(InjectionExtension.class)
@InjectWith(IrisInjectorProvider.class)
class IrisValidationTest {
    @Inject
    private ParseHelper<IrisSystem> parser;
    @Inject
    private ValidationTestHelper validator;

    private IrisSystem parse(String text) throws Exception {
        IrisSystem system = parser.parse(text);
        assertTrue(system.eResource().getErrors().isEmpty(), () -> system.eResource().getErrors().toString());
        return system;
    }

    /** Asserts that validating {@code text} yields exactly one issue: this code, severity and message. */
    private Issue single(String text, EClass on, String code, Severity severity, String message) throws Exception {
        IrisSystem system = parse(text);
        List<Issue> issues = validator.validate(system);
        assertEquals(1, issues.size(), () -> "expected one issue, got " + issues);
        Issue issue = issues.get(0);
        assertEquals(code, issue.getCode());
        assertEquals(severity, issue.getSeverity());
        assertEquals(message, issue.getMessage());
        validator.assertIssue(system, on, code, severity, message);
        return issue;
    }

    @Test
    void theCompleteExampleHasNoIssues() throws Exception {
        String text;
        try (InputStream in = getClass().getResourceAsStream("bank.iris")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        IrisSystem system = parse(text);
        validator.assertNoIssues(system);
        assertEquals(12, system.getElements().size());
    }

    @Test
    void aMessageOrSharedObjectNamedLikeATypeOfTheGeneratedCodeIsAnError() throws Exception {
        single("""
                system s
                message Node { int x }
                process P { handles Node }
                """, Literals.MESSAGE, IrisValidator.RESERVED_NAME, Severity.ERROR,
                "The generated Java code needs the name 'Node' for a type of its own; give the message another name");
        single("""
                system s
                shared String { long[4] x }
                """, Literals.SHARED_OBJECT, IrisValidator.RESERVED_NAME, Severity.ERROR,
                "The generated Java code needs the name 'String' for a type of its own; give the shared object "
                        + "another name");
    }

    @Test
    void aNonblockingProcessCannotHandleAMessageWithASegment() throws Exception {
        single("""
                system s
                message Store { string key } segment read
                process P { handles Store  nonblocking }
                """, Literals.PROCESS, IrisValidator.NONBLOCKING_SEGMENT, Severity.ERROR,
                "A nonblocking process cannot handle 'Store': moving data of its segment waits for the sender's node");
        validator.assertNoIssues(parse("""
                system s
                message Store { string key } segment readwrite returns Stored
                message Stored { long length }
                message read { long segment }
                process P { handles Store, read }
                """));
    }

    @Test
    void duplicateNames() throws Exception {
        IrisSystem system = parse("""
                system s
                message A { }
                group A
                process P { handles A }
                """);
        validator.assertError(system, Literals.GROUP, null, "Duplicate");
        validator.assertError(system, Literals.MESSAGE, null, "Duplicate");
    }

    @Test
    void duplicateFieldsAndNodes() throws Exception {
        IrisSystem system = parse("""
                system s
                message M { int x  long x }
                process P { handles M }
                cluster c {
                    node n at "h:1" runs P
                    node n at "h:2"
                }
                """);
        validator.assertError(system, Literals.FIELD, null, "Duplicate Field 'x'");
        validator.assertError(system, Literals.NODE, null, "Duplicate Node 'n'");
    }

    @Test
    void wellKnownIdCollision() throws Exception {
        single("""
                system s
                group a = 1
                group b = 1
                """, Literals.GROUP, IrisValidator.DUPLICATE_WELL_KNOWN_ID, Severity.ERROR,
                "Well-known id 1 is already used by group 'a'");
    }

    @Test
    void wellKnownIdRange() throws Exception {
        single("""
                system s
                group a = 0
                """, Literals.GROUP, IrisValidator.WELL_KNOWN_ID_RANGE, Severity.ERROR,
                "A well-known id is between 1 and 1073741822");
        single("""
                system s
                group a = 1073741823
                """, Literals.GROUP, IrisValidator.WELL_KNOWN_ID_RANGE, Severity.ERROR,
                "A well-known id is between 1 and 1073741822");
    }

    @Test
    void localGroupsCannotBeWellKnown() throws Exception {
        single("""
                system s
                local group a = 3
                """, Literals.GROUP, IrisValidator.LOCAL_WELL_KNOWN, Severity.ERROR,
                "A local group cannot be well-known: its id names the node it lives on");
    }

    @Test
    void zeroInstances() throws Exception {
        single("""
                system s
                process P[0] { }
                """, Literals.PROCESS, IrisValidator.ZERO_COUNT, Severity.ERROR, "A process runs at least 1 instance");
    }

    /**
     * What failed to parse raises its syntax error and nothing more: no rule reports the count that
     * is missing ({@code Teller[]}) or a name that is missing ("'null'").
     */
    @Test
    void aSyntaxErrorRaisesNoFollowOnIssues() throws Exception {
        for (String broken : List.of("""
                system s
                message Deposit { long amount }
                process Teller[] { handles Deposit }
                shared Ledger[] { long total }
                cluster c { node n at "h:1" runs Teller[] }
                """, """
                system s
                message { long amount }
                process { }
                cluster c { node n at "h:1" }
                """)) {
            IrisSystem system = parser.parse(broken);
            assertTrue(!system.eResource().getErrors().isEmpty(), "a syntax error in: " + broken);
            List<Issue> issues = validator.validate(system);
            List<String> followOn = issues.stream().filter(i -> !i.isSyntaxError())
                    .map(Issue::getMessage).toList();
            assertEquals(List.of(), followOn, broken);
        }
    }

    @Test
    void messageArraysHaveNoSize() throws Exception {
        single("""
                system s
                message M { long[8] xs }
                process P { handles M }
                """, Literals.PRIMITIVE_TYPE_REF, IrisValidator.SIZED_ARRAY_IN_MESSAGE, Severity.ERROR,
                "Message arrays have no fixed size: write '[]'");
    }

    @Test
    void aMessageCannotContainItself() throws Exception {
        single("""
                system s
                message M { int x  M inner }
                process P { handles M }
                """, Literals.MESSAGE, IrisValidator.MESSAGE_CONTAINS_ITSELF, Severity.ERROR,
                "Message 'M' contains itself; use an array (M[]) to nest it");
    }

    @Test
    void sharedObjectsHoldFixedSizeData() throws Exception {
        single("""
                system s
                shared S { string name }
                """, Literals.FIELD, IrisValidator.SHARED_FIELD_TYPE, Severity.ERROR,
                "A shared object holds fixed-size data: use bytes[N] instead of string");
        single("""
                system s
                shared S { long[] xs }
                """, Literals.FIELD, IrisValidator.SHARED_ARRAY_WITHOUT_SIZE, Severity.ERROR,
                "An array in a shared object has a fixed size: write [N] with N > 0");
    }

    @Test
    void atomicFieldsNeedScalarIntegersAndSequentialConsistency() throws Exception {
        single("""
                system s
                shared S { atomic double d }
                """, Literals.FIELD, IrisValidator.ATOMIC_FIELD_TYPE, Severity.ERROR,
                "Only scalar long and int fields can be atomic");
        single("""
                system s
                shared S { atomic long n } consistency release
                """, Literals.SHARED_OBJECT, IrisValidator.ATOMIC_NEEDS_SEQUENTIAL, Severity.ERROR,
                "Atomic field 'n' needs sequential consistency: release consistency has no single writer to compare-and-set");
    }

    @Test
    void addressesArePortsAndHosts() throws Exception {
        Issue issue = single("""
                system s
                process P { }
                cluster c { node n at "no-port" runs P }
                """, Literals.NODE, IrisValidator.INVALID_ADDRESS, Severity.ERROR,
                "'no-port' is not an address: write \"host:port\", e.g. \"10.0.0.5:7001\"");
        assertEquals(3, issue.getLineNumber());
        assertEquals(23, issue.getColumn(), "the issue marks the address string");
        single("""
                system s
                process P { }
                cluster c { node n at "h:70000" runs P }
                """, Literals.NODE, IrisValidator.INVALID_PORT, Severity.ERROR,
                "Port '70000' of h:70000 is not between 1 and 65535");
    }

    @Test
    void twoNodesOnOneAddress() throws Exception {
        single("""
                system s
                process P { }
                cluster c {
                    node a at "localhost:7001" runs P
                    node b at "127.0.0.1:7001"
                }
                """, Literals.NODE, IrisValidator.DUPLICATE_ADDRESS, Severity.ERROR,
                "Nodes 'a' and 'b' have the same address 127.0.0.1:7001");
    }

    @Test
    void pageSizeIsAPowerOfTwo() throws Exception {
        single("""
                system s
                process P { }
                cluster c { page size 3000 node a at "h:1" runs P }
                """, Literals.CLUSTER, IrisValidator.PAGE_SIZE, Severity.ERROR,
                "The page size is a power of two between 64 and 262144 bytes; 3000 is not");
    }

    @Test
    void backupCopiesNeedTheFixedManagerAndThreeNodes() throws Exception {
        single("""
                system s
                process P { }
                cluster c { manager dynamic backup copies node a at "h:1" runs P node b at "h:2" node d at "h:3" }
                """, Literals.CLUSTER, IrisValidator.BACKUP, Severity.ERROR,
                "Backup copies need the fixed manager: a page's manager is what gives it a new owner, from its backup "
                        + "copy, when its owner dies, and the dynamic manager gives pages no manager. Write 'manager "
                        + "fixed' or drop 'backup copies'");
        single("""
                system s
                process P { }
                cluster c { manager fixed backup copies node a at "h:1" runs P node b at "h:2" }
                """, Literals.CLUSTER, IrisValidator.BACKUP, Severity.ERROR,
                "Backup copies need at least three nodes, so that those left after one dies are a majority; 'c' has 2");
    }

    @Test
    void aPersistentClusterMayKeepBackupCopies() throws Exception {
        validator.assertNoIssues(parse("""
                system s
                process P { }
                cluster c { manager fixed backup copies persistent node a at "h:1" runs P node b at "h:2" node d at "h:3" }
                """));
        validator.assertNoIssues(parse("""
                system s
                shared Board { long[8] cells } consistency release
                heap store size 1 MiB
                heap notes size 1 MiB consistency release
                object Cell in store { long value Cell next }
                shared Roots { Cell first }
                cluster c { persistent node a at "h:1" }
                """));
    }

    @Test
    void emptyCluster() throws Exception {
        single("""
                system s
                cluster c { }
                """, Literals.CLUSTER, IrisValidator.EMPTY_CLUSTER, Severity.ERROR, "Cluster 'c' has no nodes");
    }

    @Test
    void aProcessOnNoNodeIsAWarning() throws Exception {
        single("""
                system s
                process P { }
                process Q { }
                cluster c { node a at "h:1" runs P }
                """, Literals.PROCESS, IrisValidator.PROCESS_NOT_PLACED, Severity.WARNING,
                "Process 'Q' runs on no node: no cluster places it");
    }

    @Test
    void aProcessNamedTwiceOnANode() throws Exception {
        single("""
                system s
                process P { }
                cluster c { node a at "h:1" runs P, P }
                """, Literals.NODE, IrisValidator.DUPLICATE_PLACEMENT, Severity.ERROR,
                "Node 'a' names process 'P' twice; give the count once: P[n]");
    }

    @Test
    void aMessageNobodyHandlesIsAWarning() throws Exception {
        single("""
                system s
                message Lost { }
                """, Literals.MESSAGE, IrisValidator.MESSAGE_NOT_HANDLED, Severity.WARNING,
                "No process handles message 'Lost'");
    }

    @Test
    void aLocalGroupJoinedOnTwoNodesIsAnError() throws Exception {
        single("""
                system s
                local group cache
                process A { joins cache }
                process B { joins cache }
                cluster lab {
                    node n1 at "h1:1" runs A
                    node n2 at "h2:1" runs B
                }
                """, Literals.CLUSTER, IrisValidator.LOCAL_GROUP_SPANS_NODES, Severity.ERROR,
                "Local group 'cache' keeps its members on one node, but in cluster 'lab' they run on 2 nodes: "
                        + "A on n1, B on n2");
    }

    @Test
    void anUnknownHomeNodeIsAWarning() throws Exception {
        single("""
                system s
                shared S { long x } home nowhere
                process P { uses S }
                cluster c { node a at "h:1" runs P }
                """, Literals.SHARED_OBJECT, IrisValidator.UNKNOWN_HOME, Severity.WARNING,
                "No cluster has a node named 'nowhere'");
    }

    @Test
    void listingTheSameGroupTwiceIsAWarning() throws Exception {
        single("""
                system s
                group g
                process P { joins g, g }
                """, Literals.PROCESS, IrisValidator.DUPLICATE_REFERENCE, Severity.WARNING, "Listed twice");
    }

    @Test
    void referencesAcrossFilesResolveThroughImports() throws Exception {
        var set = new org.eclipse.emf.ecore.resource.impl.ResourceSetImpl();
        IrisSystem common = parser.parse("""
                system common.names
                group names = 1
                message Lookup { string name }
                """, set);
        IrisSystem app = parser.parse("""
                system app
                import common.names.*
                process NameServer { joins names  handles Lookup }
                """, set);
        assertTrue(validator.validate(app).stream().noneMatch(i -> i.getSeverity() == Severity.ERROR),
                () -> validator.validate(app).toString());
        var ns = (dev.iris.dsl.iris.Process) app.getElements().get(0);
        assertEquals(common.getElements().get(0), ns.getJoins().get(0));
    }

    @Test
    void unresolvedReferencesNameWhatIsMissing() throws Exception {
        IrisSystem system = parse("""
                system s
                process P { handles Nothing }
                """);
        validator.assertError(system, Literals.PROCESS, org.eclipse.xtext.diagnostics.Diagnostic.LINKING_DIAGNOSTIC,
                "Couldn't resolve reference to Message 'Nothing'");
    }

    // ------------------------------------------------------------------ heaps

    @Test
    void theHeapExampleHasNoIssues() throws Exception {
        String text;
        try (InputStream in = getClass().getResourceAsStream("tree.iris")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        validator.assertNoIssues(parse(text));
    }

    @Test
    void aHeapHoldsABookkeepingPageAndAnArenaOfTheLargestPageSize() throws Exception {
        Issue issue = single("""
                system s
                heap Index size 100 KiB
                cluster local { page size 4096  node n1 at "h:1" }
                cluster lab { page size 8192  node n1 at "h:1" }
                """, Literals.HEAP, IrisValidator.HEAP_SIZE, Severity.ERROR,
                "Heap 'Index' needs at least 17 pages of 8192 bytes (the page size of cluster 'lab'): a page of "
                        + "bookkeeping and an arena of 16 pages. Give it at least 136 KiB");
        assertEquals(2, issue.getLineNumber());
        assertEquals(17, issue.getColumn(), "the issue marks the size");
        assertEquals(List.of("136", "136 KiB"), List.of(issue.getData()), "the quick fix's size and title");
        single("""
                system s
                heap Index size 65536 consistency release
                """, Literals.HEAP, IrisValidator.HEAP_SIZE, Severity.ERROR,
                "Heap 'Index' needs at least 17 pages of 4096 bytes (the default page size): a page of bookkeeping "
                        + "and an arena of 16 pages. Give it at least 68 KiB");
        single("""
                system s
                heap Index size 2048 GiB
                """, Literals.HEAP, IrisValidator.HEAP_SIZE, Severity.ERROR,
                "A heap has at most 1 TiB (1099511627776 bytes), not 2199023255552");
        // 16 pages and one byte take 17 pages
        validator.assertNoIssues(parse("""
                system s
                heap Index size 65537 bytes
                heap heap size 1 GiB consistency transactional
                """));
    }

    @Test
    void anArrayWithoutASizeIsTheLastFieldOfAHeapObject() throws Exception {
        single("""
                system s
                heap H size 1 MiB
                object Item in H { long[] values  long key }
                """, Literals.FIELD, IrisValidator.ARRAY_PART, Severity.ERROR,
                "The array part 'values' (an array without a size) must be the last field of 'Item'");
        single("""
                system s
                heap H size 1 MiB
                object Item in H { long[] values  Item[] children }
                """, Literals.FIELD, IrisValidator.ARRAY_PART, Severity.ERROR,
                "Object type 'Item' has two array parts, 'values' and 'children': an object has one at most, its last "
                        + "field");
        single("""
                system s
                heap H size 1 MiB
                object Item in H { long[0] values }
                """, Literals.FIELD, IrisValidator.SHARED_ARRAY_WITHOUT_SIZE, Severity.ERROR,
                "An array in a heap object has a size N > 0, or none ([]) for the object's array part");
        single("""
                system s
                heap H size 1 MiB
                object Item in H { long key }
                shared Roots { Item[] nodes }
                """, Literals.FIELD, IrisValidator.SHARED_ARRAY_WITHOUT_SIZE, Severity.ERROR,
                "An array in a shared object has a fixed size: write [N] with N > 0");
    }

    @Test
    void heapObjectsHoldFixedSizeDataAndReferences() throws Exception {
        single("""
                system s
                heap H size 1 MiB
                object Item in H { string name }
                """, Literals.FIELD, IrisValidator.SHARED_FIELD_TYPE, Severity.ERROR,
                "A heap object holds fixed-size data: use bytes[N] instead of string");
        single("""
                system s
                heap H size 1 MiB
                object Item in H { bytes name }
                """, Literals.FIELD, IrisValidator.SHARED_FIELD_TYPE, Severity.ERROR,
                "Bytes in a heap object need a size: bytes[N], or bytes[] for its array part");
        single("""
                system s
                message Ping { }
                process P { handles Ping }
                heap H size 1 MiB
                object Item in H { Ping ping }
                """, Literals.FIELD, IrisValidator.SHARED_FIELD_TYPE, Severity.ERROR,
                "A heap object holds fixed-size data and references to heap objects, not messages");
        single("""
                system s
                heap H size 1 MiB
                object Item in H { atomic Item next }
                """, Literals.FIELD, IrisValidator.ATOMIC_FIELD_TYPE, Severity.ERROR,
                "Only scalar long and int fields can be atomic");
        single("""
                system s
                heap H size 1 MiB
                object Item in H { long type }
                """, Literals.FIELD, IrisValidator.RESERVED_NAME, Severity.ERROR,
                "The generated class of 'Item' has a constant TYPE for its type; give the field another name");
        single("""
                system s
                heap H size 1 MiB
                object HeapObject in H { long key }
                """, Literals.OBJECT_TYPE, IrisValidator.RESERVED_NAME, Severity.ERROR,
                "The generated Java code needs the name 'HeapObject' for a type of its own; give the object type "
                        + "another name");
        single("""
                system s
                heap H size 68 KiB
                object Big in H { long[10000] values }
                """, Literals.OBJECT_TYPE, IrisValidator.OBJECT_SIZE, Severity.ERROR,
                "An object of 'Big' takes 80008 bytes, more than heap 'H' has (69632)");
    }

    @Test
    void atomicFieldsOfHeapObjectsNeedASequentialHeap() throws Exception {
        single("""
                system s
                heap H size 1 MiB consistency release
                object Counter in H { atomic long n }
                """, Literals.OBJECT_TYPE, IrisValidator.ATOMIC_NEEDS_SEQUENTIAL, Severity.ERROR,
                "Atomic field 'n' needs sequential consistency: heap 'H' has release consistency, which has no single "
                        + "writer to compare-and-set");
    }

    @Test
    void aMessageCarriesNoReferenceToAHeapObject() throws Exception {
        single("""
                system s
                heap H size 1 MiB
                object Item in H { long key }
                message Find { Item node }
                process P { handles Find }
                """, Literals.FIELD, IrisValidator.REFERENCE_IN_MESSAGE, Severity.ERROR,
                "A message carries values, not references to heap objects: send the address of the 'Item' (a long) "
                        + "and take it with Item.at(memory, address)");
    }

    @Test
    void heapsAndObjectTypesShareTheNamesOfTheSystem() throws Exception {
        IrisSystem system = parse("""
                system s
                heap Index size 1 MiB
                shared Index { long x }
                object Ping in Index { long key }
                message Ping { }
                process P { handles Ping }
                """);
        validator.assertError(system, Literals.HEAP, null, "Duplicate");
        validator.assertError(system, Literals.SHARED_OBJECT, null, "Duplicate");
        validator.assertError(system, Literals.OBJECT_TYPE, null, "Duplicate");
        validator.assertError(system, Literals.MESSAGE, null, "Duplicate");
    }

    @Test
    void unresolvedHeapsAndObjectTypesNameWhatIsMissing() throws Exception {
        IrisSystem system = parse("""
                system s
                object Item in Nowhere { long key }
                heap H size 1 MiB
                object Tree in H { Missing root }
                shared Roots { Gone root }
                message M { Absent a }
                process P { handles M }
                """);
        validator.assertError(system, Literals.OBJECT_TYPE, org.eclipse.xtext.diagnostics.Diagnostic.LINKING_DIAGNOSTIC,
                "Couldn't resolve reference to Heap 'Nowhere'.");
        validator.assertError(system, Literals.DECLARED_TYPE_REF,
                org.eclipse.xtext.diagnostics.Diagnostic.LINKING_DIAGNOSTIC,
                "Couldn't resolve reference to object type 'Missing' (declared with 'object Missing in <heap> { ... }').");
        validator.assertError(system, Literals.DECLARED_TYPE_REF,
                org.eclipse.xtext.diagnostics.Diagnostic.LINKING_DIAGNOSTIC,
                "Couldn't resolve reference to object type 'Gone' (declared with 'object Gone in <heap> { ... }').");
        validator.assertError(system, Literals.DECLARED_TYPE_REF,
                org.eclipse.xtext.diagnostics.Diagnostic.LINKING_DIAGNOSTIC, "Couldn't resolve reference to Message 'Absent'.");
        assertEquals(4, validator.validate(system).size(), () -> validator.validate(system).toString());
    }
}
