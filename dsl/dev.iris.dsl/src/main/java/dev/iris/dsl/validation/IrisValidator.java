package dev.iris.dsl.validation;

import dev.iris.dsl.iris.Group;
import dev.iris.dsl.iris.IrisPackage;
import dev.iris.dsl.iris.IrisSystem;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.xtext.validation.Check;

/** Validation rules of the Iris language. Each problem carries an issue code from this class. */
public class IrisValidator extends AbstractIrisValidator {
    /** Two groups of one system claim the same well-known id. */
    public static final String DUPLICATE_WELL_KNOWN_ID = "dev.iris.dsl.duplicateWellKnownId";

    @Check
    public void checkWellKnownIdsAreUnique(IrisSystem system) {
        Map<Integer, Group> seen = new HashMap<>();
        for (Group group : org.eclipse.xtext.EcoreUtil2.typeSelect(system.getElements(), Group.class)) {
            if (!group.eIsSet(IrisPackage.Literals.GROUP__WELL_KNOWN_ID)) {
                continue;
            }
            Group first = seen.putIfAbsent(group.getWellKnownId(), group);
            if (first != null) {
                error("Well-known id " + group.getWellKnownId() + " is already used by group '" + first.getName() + "'",
                        group, IrisPackage.Literals.GROUP__WELL_KNOWN_ID, DUPLICATE_WELL_KNOWN_ID);
            }
        }
    }
}
