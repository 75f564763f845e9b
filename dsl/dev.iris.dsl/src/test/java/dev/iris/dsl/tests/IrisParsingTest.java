package dev.iris.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Inject;
import dev.iris.dsl.iris.Consistency;
import dev.iris.dsl.iris.DeclaredTypeRef;
import dev.iris.dsl.iris.Group;
import dev.iris.dsl.iris.Heap;
import dev.iris.dsl.iris.IrisPackage;
import dev.iris.dsl.iris.IrisSystem;
import dev.iris.dsl.iris.ObjectType;
import dev.iris.dsl.iris.Process;
import dev.iris.dsl.iris.SharedObject;
import dev.iris.dsl.iris.SizeUnit;
import dev.iris.dsl.validation.IrisValidator;
import java.util.List;
import org.eclipse.emf.ecore.resource.Resource.Diagnostic;
import org.eclipse.xtext.testing.InjectWith;
import org.eclipse.xtext.testing.extensions.InjectionExtension;
import org.eclipse.xtext.testing.util.ParseHelper;
import org.eclipse.xtext.testing.validation.ValidationTestHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(InjectionExtension.class)
@InjectWith(IrisInjectorProvider.class)
class IrisParsingTest {
    @Inject
    private ParseHelper<IrisSystem> parser;
    @Inject
    private ValidationTestHelper validator;

    @Test
    void parsesASystemWithAGroupAndAProcess() throws Exception {
        IrisSystem system = parser.parse("""
                system demo.names
                group nameServers = 17
                local group cache
                process NameServer[3] {
                    joins nameServers, cache
                }
                cluster local {
                    node n1 at "127.0.0.1:7001" runs NameServer[3]
                }
                """);
        assertTrue(system.eResource().getErrors().isEmpty(), () -> system.eResource().getErrors().toString());
        validator.assertNoIssues(system);

        assertEquals("demo.names", system.getName());
        assertEquals(4, system.getElements().size());
        Group nameServers = (Group) system.getElements().get(0);
        assertEquals("nameServers", nameServers.getName());
        assertEquals(17, nameServers.getWellKnownId());
        assertFalse(nameServers.isLocal());
        Group cache = (Group) system.getElements().get(1);
        assertTrue(cache.isLocal());
        assertFalse(cache.isWellKnown());

        Process process = (Process) system.getElements().get(2);
        assertEquals("NameServer", process.getName());
        assertEquals(3, process.getInstances());
        assertEquals(List.of(nameServers, cache), process.getJoins());
        assertSame(nameServers, process.getJoins().get(0), "cross-reference resolves to the declared group");
    }

    @Test
    void syntaxErrorIsReportedWithItsLine() throws Exception {
        IrisSystem system = parser.parse("""
                system broken
                group g = 
                process P { }
                """);
        List<Diagnostic> errors = system.eResource().getErrors();
        assertEquals(1, errors.size(), errors::toString);
        assertEquals(3, errors.get(0).getLine(), "the missing id is noticed where 'process' starts");
        assertEquals("missing a number at 'process'", errors.get(0).getMessage());
    }

    @Test
    void unknownGroupIsALinkingError() throws Exception {
        IrisSystem system = parser.parse("""
                system s
                process P { joins nowhere }
                """);
        validator.assertError(system, IrisPackage.Literals.PROCESS,
                org.eclipse.xtext.diagnostics.Diagnostic.LINKING_DIAGNOSTIC, "Couldn't resolve reference to Group 'nowhere'");
    }

    @Test
    void wellKnownIdsMustBeUnique() throws Exception {
        IrisSystem system = parser.parse("""
                system s
                group a = 1
                group b = 1
                """);
        validator.assertError(system, IrisPackage.Literals.GROUP, IrisValidator.DUPLICATE_WELL_KNOWN_ID,
                "Well-known id 1 is already used by group 'a'");
        assertEquals(1, validator.validate(system).size());
    }

    @Test
    void parsesHeapsAndHeapObjectTypes() throws Exception {
        IrisSystem system = parser.parse("""
                system demo.tree
                heap Index size 64 MiB
                heap Scratch size 200000 consistency release
                object TreeNode in Index {
                    long key
                    atomic long visits
                    long[4] keys
                    TreeNode left
                    TreeNode[] children
                } own pages
                shared Roots { TreeNode root  TreeNode[8] recent }
                """);
        assertTrue(system.eResource().getErrors().isEmpty(), () -> system.eResource().getErrors().toString());
        validator.assertNoIssues(system);
        Heap index = (Heap) system.getElements().get(0);
        assertEquals("Index", index.getName());
        assertEquals(64, index.getSize());
        assertEquals(SizeUnit.MIB, index.getUnit());
        assertEquals(Consistency.SEQUENTIAL, index.getConsistency(), "sequential by default");
        Heap scratch = (Heap) system.getElements().get(1);
        assertEquals(SizeUnit.BYTES, scratch.getUnit(), "bytes without a unit");
        assertEquals(200000, scratch.getSize());
        assertEquals(Consistency.RELEASE, scratch.getConsistency());
        ObjectType node = (ObjectType) system.getElements().get(2);
        assertSame(index, node.getHeap());
        assertTrue(node.isOwnPages());
        assertEquals(5, node.getFields().size());
        DeclaredTypeRef left = (DeclaredTypeRef) node.getFields().get(3).getType();
        assertSame(node, left.getDeclaration(), "a reference to the type itself");
        DeclaredTypeRef children = (DeclaredTypeRef) node.getFields().get(4).getType();
        assertTrue(children.isArray());
        assertEquals(0, children.getSize(), "the array part has no size");
        SharedObject roots = (SharedObject) system.getElements().get(3);
        assertSame(node, ((DeclaredTypeRef) roots.getFields().get(1).getType()).getDeclaration());
        assertEquals(8, roots.getFields().get(1).getType().getSize());
    }

    /** The words of heaps are names where they cannot be confused, like the language's other keywords. */
    @Test
    void heapKeywordsAreNamesWhereTheyCannotBeConfused() throws Exception {
        IrisSystem system = parser.parse("""
                system s
                heap heap size 1 GiB
                object object in heap {
                    long in
                    object own
                    int KiB
                    long[] pages
                }
                """);
        assertTrue(system.eResource().getErrors().isEmpty(), () -> system.eResource().getErrors().toString());
        validator.assertNoIssues(system);
        ObjectType object = (ObjectType) system.getElements().get(1);
        assertEquals("object", object.getName());
        assertEquals("heap", object.getHeap().getName());
        assertEquals(List.of("in", "own", "KiB", "pages"), object.getFields().stream().map(f -> f.getName()).toList());
        assertFalse(object.isOwnPages());
    }

    @Test
    void aHeapWithoutItsSizeIsASyntaxError() throws Exception {
        IrisSystem system = parser.parse("""
                system broken
                heap H size consistency release
                """);
        List<Diagnostic> errors = system.eResource().getErrors();
        assertEquals(1, errors.size(), errors::toString);
        assertEquals("missing a number at 'consistency'", errors.get(0).getMessage());
    }
}
