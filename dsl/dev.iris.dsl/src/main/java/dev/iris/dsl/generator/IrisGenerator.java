package dev.iris.dsl.generator;

import org.eclipse.emf.ecore.resource.Resource;
import org.eclipse.xtext.generator.AbstractGenerator;
import org.eclipse.xtext.generator.IFileSystemAccess2;
import org.eclipse.xtext.generator.IGeneratorContext;

/**
 * The Java generator of the Iris language (messages, processes, shared objects, bootstrap into
 * {@code src-gen/}). It writes nothing yet: the generator is the subject of the language issue.
 */
public class IrisGenerator extends AbstractGenerator {
    @Override
    public void doGenerate(Resource resource, IFileSystemAccess2 fsa, IGeneratorContext context) {
        // no output yet, see the class comment
    }
}
