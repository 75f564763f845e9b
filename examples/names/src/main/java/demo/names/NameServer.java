package demo.names;

import dev.iris.runtime.NameScope;
import java.util.HashMap;
import java.util.Map;

/** A name server: the behaviour behind the generated {@link AbstractNameServer}. */
public class NameServer extends AbstractNameServer {
    /**
     * The kernel's name (V's SetPid, scope: this node) under which a client finds a name server of
     * its own node, to ask it without leaving the node.
     */
    static final String ON_THIS_NODE = "name-server";

    private final Map<String, Long> names = new HashMap<>();

    @Override
    protected void onStart() {
        try {
            kernel().register(ON_THIS_NODE, NameScope.NODE);
        } catch (IllegalStateException taken) {
            // another name server of this node holds the name: a client asks that one
        }
    }

    @Override
    protected Registered onRegister(Register message) {
        names.put(message.name(), message.pid());
        return new Registered(true);
    }

    @Override
    protected Found onLookup(Lookup message) {
        Long pid = names.get(message.name());
        return new Found(pid != null, pid == null ? 0 : pid);
    }
}
