package dev.iris.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a group send collected by the time it returned. Replies that arrive later are fetched with
 * {@link Kernel#getReply}. Immutable.
 *
 * @param addressed the members the message was sent to (the sender's view when it sent)
 * @param replies   the replies so far, in arrival order
 * @param failures  members that will not reply, each with the reason (process gone, node dead)
 * @param satisfied whether the {@link ReplyMode} was met
 */
public record GroupReplies(int addressed, List<Reply> replies, Map<ProcessId, IpcException> failures,
        boolean satisfied) {
    /** One member's reply. */
    public record Reply(ProcessId from, Object message) {
    }

    public GroupReplies {
        replies = List.copyOf(replies);
        failures = failures.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(failures)); // in order, unlike Map.copyOf
    }

    /** The first reply's message, or {@code null} if there is none. */
    public Object first() {
        return replies.isEmpty() ? null : replies.get(0).message();
    }
}
