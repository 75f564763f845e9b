package dev.iris.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Inject;
import dev.iris.dsl.iris.Group;
import dev.iris.dsl.iris.IrisPackage;
import dev.iris.dsl.iris.IrisSystem;
import dev.iris.dsl.iris.Process;
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
}
