package demo.names;

import java.util.HashMap;
import java.util.Map;

/** A name server: the behaviour behind the generated {@link AbstractNameServer}. */
public class NameServer extends AbstractNameServer {
    private final Map<String, Long> names = new HashMap<>();

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
