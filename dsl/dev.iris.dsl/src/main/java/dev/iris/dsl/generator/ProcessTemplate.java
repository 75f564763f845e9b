package dev.iris.dsl.generator;

import dev.iris.dsl.iris.Group;
import dev.iris.dsl.iris.IrisSystem;
import dev.iris.dsl.iris.Message;
import dev.iris.dsl.iris.Process;
import dev.iris.dsl.iris.SharedObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.xtext.EcoreUtil2;
import org.eclipse.xtext.documentation.IEObjectDocumentationProvider;

/**
 * {@code Abstract<Process>}: the base class a user's process class extends. It joins the declared
 * groups, serves requests ({@code Kernel.serve}: on the process's thread, or on the event loop for a
 * {@code nonblocking} process), hands each message to its typed handler and replies with the
 * handler's result; a handler that throws answers its sender with a
 * {@code dev.iris.runtime.HandlerFailure} instead of leaving it blocked. Typed send helpers cover
 * every message of the system.
 */
final class ProcessTemplate {
    private final JavaNames names;
    private final IEObjectDocumentationProvider documentation;

    ProcessTemplate(JavaNames names, IEObjectDocumentationProvider documentation) {
        this.names = names;
        this.documentation = documentation;
    }

    String generate(Process process) {
        String name = process.getName();
        String base = "Abstract" + name;
        Set<Message> handled = new LinkedHashSet<>(process.getHandles());
        StringBuilder handlers = new StringBuilder();
        List<String> cases = new ArrayList<>();
        for (Message m : handled) {
            String type = names.messageClass(m);
            String method = "on" + m.getName();
            String doc = JavaNames.javadoc(documentation.getDocumentation(m), "    ");
            if (m.getReply() != null) {
                String reply = names.messageClass(m.getReply());
                handlers.append(doc.isEmpty() ? "    /** Handles {@code " + m.getName() + "}. */\n" : doc).append("""
                            protected abstract %s %s(%s message) throws Exception;

                        """.formatted(reply, method, type));
                cases.add("                case " + type + " m -> " + method + "(m);");
            } else {
                handlers.append(doc.isEmpty() ? "    /** Handles {@code " + m.getName() + "}. */\n" : doc).append("""
                            protected abstract void %s(%s message) throws Exception;

                        """.formatted(method, type));
                cases.add("                case " + type + " m -> {\n                    " + method
                        + "(m);\n                    yield Ack.INSTANCE;\n                }");
            }
        }
        StringBuilder joins = new StringBuilder();
        for (Group g : new LinkedHashSet<>(process.getJoins())) {
            IrisSystem declaredIn = EcoreUtil2.getContainerOfType(g, IrisSystem.class);
            String owner = declaredIn == names.system() ? names.systemClass() : IrisGenerator.systemClass(declaredIn);
            joins.append("            kernel.join(").append(owner).append('.').append(names.groupConstant(g))
                    .append(g.isLocal() ? "(kernel.node())" : "").append(");\n");
        }
        StringBuilder senders = new StringBuilder();
        boolean sendsSegments = false;
        for (Message m : EcoreUtil2.typeSelect(names.system().getElements(), Message.class)) {
            String type = names.messageClass(m);
            if (m.isSegment()) {
                sendsSegments = true;
                String reply = m.getReply() == null ? null : names.messageClass(m.getReply());
                senders.append("""
                            /**
                             * Sends {@code %1$s} to process {@code to} with %2$s access to {@code segment}, a part of
                             * this process's memory that the receiver moves data %3$s until it replies (see
                             * {@link Kernel#send(ProcessId, Object, Segment, Duration)}), and %4$s.
                             */
                            protected final %5$s call(ProcessId to, %6$s message, Segment segment) {
                                %7$sreply(kernel.send(to, message, declared(segment, Segment.Access.%8$s), timeout()), %9$s.class);
                            }

                        """.formatted(m.getName(), switch (m.getAccess()) {
                            case READ -> "read";
                            case WRITE -> "write";
                            case READ_WRITE -> "read and write";
                        }, switch (m.getAccess()) {
                            case READ -> "from";
                            case WRITE -> "to";
                            case READ_WRITE -> "from and to";
                        }, reply == null ? "waits until it was handled" : "returns its reply",
                        reply == null ? "void" : reply, type, reply == null ? "" : "return ", m.getAccess().getName(),
                        reply == null ? "Ack" : reply));
            } else if (m.getReply() != null) {
                String reply = names.messageClass(m.getReply());
                senders.append("""
                            /** Sends {@code %1$s} to {@code to} (a process or a group: first reply) and returns its reply. */
                            protected final %2$s call(ProcessId to, %3$s message) {
                                return reply(kernel.send(to, message, timeout()), %2$s.class);
                            }

                            /**
                             * Sends {@code %1$s} to process {@code to} without waiting; the stage completes with its
                             * reply on the thread that has it (see {@link Kernel#sendAsync}).
                             */
                            protected final CompletionStage<%2$s> callAsync(ProcessId to, %3$s message) {
                                return kernel.sendAsync(to, message, timeout()).thenApply(r -> reply(r, %2$s.class));
                            }

                        """.formatted(m.getName(), reply, type));
            } else {
                senders.append("""
                            /** Sends {@code %1$s} to {@code to} and waits until it was handled. */
                            protected final void call(ProcessId to, %2$s message) {
                                reply(kernel.send(to, message, timeout()), Ack.class);
                            }

                            /** Sends {@code %1$s} to process {@code to} without waiting; the stage completes once it was handled. */
                            protected final CompletionStage<Void> callAsync(ProcessId to, %2$s message) {
                                return kernel.sendAsync(to, message, timeout()).thenAccept(r -> reply(r, Ack.class));
                            }

                        """.formatted(m.getName(), type));
            }
        }
        StringBuilder shared = new StringBuilder();
        for (SharedObject object : new LinkedHashSet<>(process.getUses())) {
            String type = names.qualified(object, object.getName());
            String field = JavaNames.field(JavaNames.lowerFirst(object.getName()));
            shared.append("""
                        private %1$s %2$s;

                        /** Shared object {@code %3$s}, on this process's node. */
                        protected final %1$s %2$s() {
                            if (%2$s == null) {
                                %2$s = new %1$s(kernel.memory());
                            }
                            return %2$s;
                        }

                    """.formatted(type, field, object.getName()));
        }
        if (sendsSegments) {
            senders.append("""
                        /** {@code segment}, if its access is the one its message declares. */
                        private static Segment declared(Segment segment, Segment.Access access) {
                            if (segment.access() != access) {
                                throw new IllegalArgumentException("the message declares segment access " + access
                                        + ", not " + segment.access());
                            }
                            return segment;
                        }

                    """);
        }
        boolean movesSegments = handled.stream().anyMatch(Message::isSegment);
        if (movesSegments) {
            senders.append("""
                        /** The access and the length of the segment that the message being handled passed. */
                        protected final Segment.Grant segment() {
                            return current.segment().orElseThrow(() -> new IllegalStateException(
                                    "the message being handled passed no segment"));
                        }

                        /**
                         * Fills {@code into} from the segment of the message being handled, from {@code offset} on
                         * (V's MoveFrom; see {@link Kernel#moveFrom}).
                         */
                        protected final void moveFrom(long offset, ByteBuffer into) {
                            kernel.moveFrom(current, offset, into);
                        }

                        /**
                         * Writes the remaining bytes of {@code from} into the segment of the message being handled at
                         * {@code offset} (V's MoveTo; see {@link Kernel#moveTo}).
                         */
                        protected final void moveTo(long offset, ByteBuffer from) {
                            kernel.moveTo(current, offset, from);
                        }

                        /**
                         * Has the remaining bytes of {@code data} written into the segment of the message being handled
                         * at {@code offset} together with the reply (V's ReplyWithSegment; see
                         * {@link Kernel#reply(Request, Object, long, ByteBuffer)}): the sender finds them there when its
                         * call returns, with no move of their own. The last call before the handler returns counts;
                         * none if the handler forwards the message or fails.
                         */
                        protected final void replyWith(long offset, ByteBuffer data) {
                            replyOffset = offset;
                            replyData = data;
                        }

                    """);
        }
        String doc = JavaNames.docLines(documentation.getDocumentation(process));
        return """
                // Generated by Iris from %s. Do not edit: extend it.
                package %s;

                import dev.iris.runtime.Ack;
                import dev.iris.runtime.Dispatch;
                import dev.iris.runtime.GroupReplies;
                import dev.iris.runtime.HandlerFailure;
                import dev.iris.runtime.IpcException;
                import dev.iris.runtime.Kernel;
                import dev.iris.runtime.ProcessBody;
                import dev.iris.runtime.ProcessId;
                import dev.iris.runtime.RemoteHandlerException;
                import dev.iris.runtime.ReplyMode;
                import dev.iris.runtime.Request;
                %s%simport java.time.Duration;
                import java.util.concurrent.CompletableFuture;
                import java.util.concurrent.CompletionStage;

                /**
                %s * Base class of process {@code %s}: extend it and implement the handlers. Each instance runs
                 * on its own virtual thread and handles one message at a time (a {@code nonblocking} process's
                 * handlers run on the thread that delivers the message); whatever a handler returns is
                 * the reply. Use the {@code call} helpers to send, {@link #forward} to pass the message being
                 * handled on.
                 */
                public abstract class %s implements ProcessBody {
                    private final CompletableFuture<Void> ready = new CompletableFuture<>();
                    private Kernel kernel;
                    private Request current;
                    private boolean answered;
                %s
                %s    /** Called once after the process joined its groups, before the first message. */
                    protected void onStart() throws Exception {
                    }

                    /** Completes once the process has joined its groups and run {@link #onStart}. */
                    public final CompletableFuture<Void> ready() {
                        return ready;
                    }

                    /** How long the {@code call} helpers wait for a reply (default 30 s). */
                    protected Duration timeout() {
                        return Duration.ofSeconds(30);
                    }

                    /** The V kernel of this process, for what the helpers do not cover. */
                    protected final Kernel kernel() {
                        return kernel;
                    }

                    /** This process's id. */
                    protected final ProcessId self() {
                        return kernel.self();
                    }

                    /** The sender of the message being handled. */
                    protected final ProcessId sender() {
                        return current.sender();
                    }

                    /** Passes the message being handled to {@code to}, which replies to its sender directly. */
                    protected final void forward(ProcessId to) {
                        answered = true;
                        kernel.forward(current, to);
                    }

                %s%s    /** Sends {@code message} to every member of {@code group}; see {@link Kernel#sendGroup}. */
                    protected final GroupReplies callGroup(ProcessId group, Object message, ReplyMode mode) {
                        return kernel.sendGroup(group, message, mode, timeout());
                    }

                    /** The next reply to the latest {@link #callGroup}, or {@code null} when no more come. */
                    protected final GroupReplies.Reply nextReply() throws InterruptedException {
                        return kernel.getReply(timeout());
                    }

                    private static <T> T reply(Object reply, Class<T> type) {
                        if (reply instanceof HandlerFailure failure) {
                            throw new RemoteHandlerException(failure);
                        }
                        if (!type.isInstance(reply)) {
                            throw new IpcException("expected a " + type.getSimpleName() + " reply, got " + reply);
                        }
                        return type.cast(reply);
                    }

                    @Override
                    public final void run(Kernel kernel) throws Exception {
                        this.kernel = kernel;
                        try {
                %s            onStart();
                            ready.complete(null);
                        } catch (Exception e) {
                            ready.completeExceptionally(e);
                            throw e;
                        }
                        kernel.serve(this::handle, Dispatch.%s);
                    }

                    private void handle(Request request) throws Exception {
                        current = request;
                        answered = false;
                %s        Object reply;
                        try {
                            reply = switch (request.message()) {
                %s
                                default -> new HandlerFailure(kernel.self() + " (%s)",
                                        "%s does not handle " + request.message().getClass().getSimpleName());
                            };
                            if (reply == null) {
                                reply = new HandlerFailure(kernel.self() + " (%s)", "the handler returned no reply");
                            }
                        %s} catch (Exception e) {
                            reply = new HandlerFailure(kernel.self() + " (%s)", e.toString());
                        }
                        if (!answered) {
                %s            kernel.reply(request, reply);
                        }
                    }
                }
                """.formatted(MessageTemplate.source(process), names.javaPackage(),
                sendsSegments || movesSegments ? "import dev.iris.runtime.Segment;\n" : "",
                movesSegments ? "import java.nio.ByteBuffer;\n" : "",
                doc, name, base,
                movesSegments ? """
                            /** Bytes for the segment that go with the reply ({@link #replyWith}), or null. */
                            private ByteBuffer replyData;
                            private long replyOffset;
                        """ : "",
                handlers, senders, shared, joins,
                process.isNonblocking() ? "EVENT_LOOP" : "PROCESS_THREAD",
                movesSegments ? "        replyData = null;\n" : "",
                String.join("\n", cases), name, name, name,
                // a handler may throw it (a process without handlers has none to throw it)
                cases.isEmpty() ? "" : "} catch (InterruptedException e) {\n            throw e;\n        ",
                name,
                movesSegments ? """
                                    if (replyData != null && !(reply instanceof HandlerFailure)) {
                                        try {
                                            kernel.reply(request, reply, replyOffset, replyData);
                                            return;
                                        } catch (RuntimeException e) { // refused, or the bytes could not be moved
                                            reply = new HandlerFailure(kernel.self() + " (%s)", e.toString());
                                        }
                                    }
                        """.formatted(name) : "");
    }
}
