package dev.iris.core.internal;

import dev.iris.core.launching.IrisLaunching;
import java.util.Map;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.IProcessFactory;
import org.eclipse.debug.core.model.IProcess;
import org.eclipse.debug.core.model.RuntimeProcess;

/**
 * The process factory of Iris launches ({@link IrisLaunching#PROCESS_FACTORY_ID}): labels the JVM
 * being started as the launch delegate says in launch attribute {@link #LABEL} (the node, as the
 * Debug view shows it) instead of JDT's java path, date and pid.
 */
public final class NodeProcessFactory implements IProcessFactory {
    /** Launch attribute: the label of the next process the launch's runner creates. */
    static final String LABEL = "dev.iris.core.launch.nextProcessLabel";

    @Override
    public IProcess newProcess(ILaunch launch, Process process, String label, Map<String, String> attributes) {
        String chosen = launch.getAttribute(LABEL);
        return new RuntimeProcess(launch, process, chosen == null ? label : chosen, attributes);
    }
}
