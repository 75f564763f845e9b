package dev.iris.runtime.monitor;

import dev.iris.runtime.MessageEvent;
import dev.iris.runtime.NameScope;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.RegisteredName;
import dev.iris.runtime.dsm.Durability;
import dev.iris.runtime.dsm.HeapCensus;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.MemoryEvent;
import dev.iris.runtime.dsm.PageInfo;
import dev.iris.runtime.transport.FrameFormatException;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.WireStrings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Payload of {@link FrameKind#MONITOR}: what a node's monitor endpoint streams to a debugger
 * ({@link MonitorMessage}), and the commands a debugger sends it: stop or restart the node's
 * time (debug time, {@link dev.iris.runtime.Node#pauseTime}), and take a census of its heaps.
 *
 * <pre>
 * monitor := op:u8 node:str body
 * state   := address:str mcount:u16 member:str{mcount}                    op 1
 *            pcount:u32 (process:u64 name:str){pcount}
 *            gcount:u32 (group:u64 member:u64){gcount}
 *            (lcount:u16 left:str{lcount} (ncount:u32 (name:str holder:u64 scope:u8){ncount})?)?
 * pages   := last:u8 count:u32 page{count}                                op 2
 * page    := page:u64 region:str state:u8 owner:u8 probableOwner:str version:u64
 *            readFaults:u64 writeFaults:u64 invalidations:u64 ccount:u16 copy:str{ccount}
 * memory  := kind:u8 page:i64 peer:str name:str nanos:u64 clock:u64         op 3
 * message := kind:u8 peer:str requestId:u64 sender:u64 target:u64 type:str   op 4
 *            nanos:u64 clock:u64 content:str?
 * leaving := (empty)                                                       op 5
 * durable := phase:u8 synced:u64 heard:u16 managers:u16 problem:str        op 6
 * heap    := clock:u64 pageSize:u32 complete:u8 hcount:u8 heap:str{hcount} op 7
 *            tcount:u16 type:str{tcount} bcount:u32 block{bcount}
 * block   := heap:u8 address:u64 type:u16 length:u32 bytes:u64 rcount:u16 reference:u64{rcount}
 * command := op:u8                                                         client to node:
 *                                                                          16 pause time, 17 resume time,
 *                                                                          18 census of the heaps
 * </pre>
 *
 * Strings are at most 255 bytes (process names are cut to that; a message's {@code content}, of
 * at most {@link MessageEvent#CONTENT_CHARS} characters, to {@value #MAX_CONTENT}
 * bytes); a {@code message} without {@code content}, or a {@code state} without the nodes that
 * {@code left} or the registered {@code name}s ({@code scope}: a {@link NameScope} ordinal), is one
 * recorded before they were there. {@code state} is a
 * {@link PageInfo.State} ordinal, {@code kind} a {@link MemoryEvent.Kind} ordinal, an empty
 * {@code peer} means none. In a {@code heap} census a block's {@code heap} indexes the heaps
 * listed before it and its {@code type} the types, from 1; type 0 is a freed block. A page table
 * larger than one frame comfortably holds goes in several {@code pages} frames, {@link #PAGES_PER_FRAME} pages each; the receiver joins them up to the one
 * with {@code last} = 1 ({@link PagesAssembler}). Every count is checked against the bytes that
 * remain before anything is allocated for it.
 */
public final class MonitorWire {
    /** Pages per {@code pages} frame. */
    public static final int PAGES_PER_FRAME = 4096;
    /** Most pages one page table may have on the receiving side. */
    public static final int MAX_PAGES = 1 << 24;
    private static final int STATE = 1;
    private static final int PAGES = 2;
    private static final int MEMORY = 3;
    private static final int MESSAGE = 4;
    private static final int LEAVING = 5;
    private static final int DURABLE = 6;
    private static final int HEAP = 7;
    private static final int PAUSE_TIME = 16;
    private static final int RESUME_TIME = 17;
    private static final int CENSUS = 18;
    private static final int MAX = 255;
    private static final int MAX_CONTENT = 4 * MessageEvent.CONTENT_CHARS;
    /** The largest heap block a census may list: the largest shared memory a cluster can have. */
    private static final long MAX_BLOCK_BYTES = (long) MAX_PAGES * MemoryConfig.MAX_PAGE_SIZE;

    /** One decoded frame: a whole message, or a piece of a page table. */
    public sealed interface Decoded {
    }

    /** A message that needs no other frame. */
    public record Whole(MonitorMessage message) implements Decoded {
    }

    /** A piece of a node's page table; {@code last} ends it. */
    public record PagePiece(String node, boolean last, List<PageInfo> pages) implements Decoded {
    }

    private MonitorWire() {
    }

    /** What a client asks of the node it watches. */
    public enum Command {
        /** Stop the node's time. */
        PAUSE_TIME,
        /** Let the node's time run again. */
        RESUME_TIME,
        /** Send a census of the node's heaps ({@link MonitorMessage.Heap}). */
        CENSUS
    }

    /** A client's command: stop the node's time ({@code pause}) or let it run again. */
    public static ByteBuf timeCommand(ByteBufAllocator alloc, boolean pause) {
        return alloc.buffer(1).writeByte(pause ? PAUSE_TIME : RESUME_TIME);
    }

    /** A client's command: send a census of the node's heaps. */
    public static ByteBuf censusCommand(ByteBufAllocator alloc) {
        return alloc.buffer(1).writeByte(CENSUS);
    }

    /**
     * The command in {@code payload} (a client's frame).
     *
     * @throws FrameFormatException if it is no command
     */
    public static Command decodeCommand(ByteBuf payload) {
        if (payload.readableBytes() != 1) {
            throw new FrameFormatException("a monitor client sent " + payload.readableBytes()
                    + " bytes where a one-byte command belongs");
        }
        int op = payload.readUnsignedByte();
        return switch (op) {
            case PAUSE_TIME -> Command.PAUSE_TIME;
            case RESUME_TIME -> Command.RESUME_TIME;
            case CENSUS -> Command.CENSUS;
            default -> throw new FrameFormatException("a monitor client sent the unknown command " + op);
        };
    }

    /** The payloads that carry {@code message}: one frame, or several for a large page table. */
    public static List<ByteBuf> encode(ByteBufAllocator alloc, MonitorMessage message) {
        if (message instanceof MonitorMessage.Pages pages) {
            List<ByteBuf> out = new ArrayList<>();
            List<PageInfo> all = pages.pages();
            int from = 0;
            try {
                do {
                    int to = Math.min(all.size(), from + PAGES_PER_FRAME);
                    out.add(pages(alloc, pages.node(), to == all.size(), all.subList(from, to)));
                    from = to;
                } while (from < all.size());
                return out;
            } catch (RuntimeException e) {
                out.forEach(ByteBuf::release);
                throw e;
            }
        }
        ByteBuf out = alloc.buffer(64);
        try {
            if (message instanceof MonitorMessage.Heap h) {
                heap(out, h);
            } else if (message instanceof MonitorMessage.State s) {
                head(out, STATE, s.node());
                WireStrings.write(out, "address", s.address(), MAX);
                out.writeShort(s.members().size());
                for (String m : s.members()) {
                    WireStrings.write(out, "member", m, MAX);
                }
                out.writeInt(s.processes().size());
                s.processes().forEach((id, name) -> {
                    out.writeLong(id.value());
                    WireStrings.write(out, "process name", cut(name), MAX);
                });
                int entries = s.groups().values().stream().mapToInt(Set::size).sum();
                out.writeInt(entries);
                s.groups().forEach((group, members) -> members.forEach(m -> out.writeLong(group.value())
                        .writeLong(m.value())));
                out.writeShort(s.left().size());
                for (String l : s.left()) {
                    WireStrings.write(out, "left", l, MAX);
                }
                out.writeInt(s.names().size());
                for (RegisteredName n : s.names()) {
                    WireStrings.write(out, "name", n.name(), MAX);
                    out.writeLong(n.holder().value()).writeByte(n.scope().ordinal());
                }
            } else if (message instanceof MonitorMessage.Leaving l) {
                head(out, LEAVING, l.node());
            } else if (message instanceof MonitorMessage.Durable d) {
                Durability state = d.durability();
                head(out, DURABLE, d.node());
                out.writeByte(state.phase().ordinal()).writeLong(state.synced()).writeShort(state.heard())
                        .writeShort(state.managers());
                WireStrings.write(out, "problem", state.problem() == null ? "" : cutTo(state.problem(), MAX_CONTENT),
                        MAX_CONTENT);
            } else if (message instanceof MonitorMessage.Message m) {
                MessageEvent e = m.event();
                head(out, MESSAGE, e.node());
                out.writeByte(e.kind().ordinal());
                WireStrings.write(out, "peer", e.peer() == null ? "" : e.peer(), MAX);
                out.writeLong(e.requestId()).writeLong(e.sender() == null ? 0 : e.sender().value())
                        .writeLong(e.target() == null ? 0 : e.target().value());
                WireStrings.write(out, "message type", cut(e.message() == null ? "" : e.message()), MAX);
                out.writeLong(e.nanos()).writeLong(e.clock());
                WireStrings.write(out, "message content", e.content() == null ? "" : e.content(), MAX_CONTENT);
            } else {
                MemoryEvent e = ((MonitorMessage.Memory) message).event();
                head(out, MEMORY, e.node());
                out.writeByte(e.kind().ordinal()).writeLong(e.page());
                WireStrings.write(out, "peer", e.peer() == null ? "" : e.peer(), MAX);
                WireStrings.write(out, "name", e.name() == null ? "" : e.name(), MAX);
                out.writeLong(e.nanos()).writeLong(e.clock());
            }
            return List.of(out);
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    private static ByteBuf pages(ByteBufAllocator alloc, String node, boolean last, List<PageInfo> pages) {
        ByteBuf out = alloc.buffer(16 + pages.size() * 64);
        try {
            head(out, PAGES, node);
            out.writeByte(last ? 1 : 0).writeInt(pages.size());
            for (PageInfo p : pages) {
                out.writeLong(p.page());
                WireStrings.write(out, "region", p.region(), MAX);
                out.writeByte(p.state().ordinal()).writeByte(p.owner() ? 1 : 0);
                WireStrings.write(out, "probable owner", p.probableOwner() == null ? "" : p.probableOwner(), MAX);
                out.writeLong(p.version()).writeLong(p.readFaults()).writeLong(p.writeFaults())
                        .writeLong(p.invalidations());
                out.writeShort(p.copyset().size());
                for (String c : p.copyset()) {
                    WireStrings.write(out, "copyset member", c, MAX);
                }
            }
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    private static void heap(ByteBuf out, MonitorMessage.Heap message) {
        HeapCensus census = message.census();
        Map<String, Integer> heaps = new LinkedHashMap<>();
        Map<String, Integer> types = new LinkedHashMap<>();
        for (HeapCensus.Block b : census.blocks()) { // by name; each cut to a string's limit once, when written
            heaps.putIfAbsent(b.heap(), heaps.size());
            if (b.type() != null) {
                types.putIfAbsent(b.type(), types.size() + 1);
            }
        }
        if (heaps.size() > 255 || types.size() > 0xFFFF) {
            throw new IllegalArgumentException("a census of " + heaps.size() + " heaps and " + types.size()
                    + " types: at most 255 and 65535");
        }
        head(out, HEAP, message.node());
        out.writeLong(census.clock()).writeInt(census.pageSize()).writeByte(census.complete() ? 1 : 0)
                .writeByte(heaps.size());
        for (String h : heaps.keySet()) {
            WireStrings.write(out, "heap", cut(h), MAX);
        }
        out.writeShort(types.size());
        for (String t : types.keySet()) {
            WireStrings.write(out, "heap type", cut(t), MAX);
        }
        out.writeInt(census.blocks().size());
        for (HeapCensus.Block b : census.blocks()) {
            if (b.references().size() > 0xFFFF) {
                throw new IllegalArgumentException("a heap block with " + b.references().size()
                        + " references: at most 65535");
            }
            out.writeByte(heaps.get(b.heap())).writeLong(b.address())
                    .writeShort(b.type() == null ? 0 : types.get(b.type())).writeInt(b.length())
                    .writeLong(b.bytes()).writeShort(b.references().size());
            for (long r : b.references()) {
                out.writeLong(r);
            }
        }
    }

    private static MonitorMessage.Heap readHeap(ByteBuf in, String node) {
        need(in, 14, "heap census");
        long clock = in.readLong();
        int pageSize = in.readInt();
        if (pageSize <= 0) {
            throw new FrameFormatException("monitor heap census: a page size of " + pageSize + " bytes");
        }
        int complete = in.readUnsignedByte();
        if (complete > 1) {
            throw new FrameFormatException("monitor heap census: complete is " + complete);
        }
        int heapCount = in.readUnsignedByte();
        List<String> heaps = new ArrayList<>(heapCount);
        for (int i = 0; i < heapCount; i++) {
            heaps.add(WireStrings.read(in, "heap", MAX));
        }
        int typeCount = count(in, 2, 1, "heap types");
        List<String> types = new ArrayList<>(typeCount);
        for (int i = 0; i < typeCount; i++) {
            types.add(WireStrings.read(in, "heap type", MAX));
        }
        int count = count(in, 4, 25, "heap blocks");
        List<HeapCensus.Block> blocks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            need(in, 25, "heap block");
            int heap = in.readUnsignedByte();
            long address = in.readLong();
            int type = in.readUnsignedShort();
            long length = in.readUnsignedInt();
            long bytes = in.readLong();
            if (heap >= heaps.size() || type > types.size() || length > Integer.MAX_VALUE || bytes <= 0
                    || bytes > MAX_BLOCK_BYTES) {
                throw new FrameFormatException("monitor heap block " + i + ": heap " + heap + " of " + heaps.size()
                        + ", type " + type + " of " + types.size() + ", length " + length + ", " + bytes + " bytes");
            }
            int refCount = count(in, 2, 8, "block references");
            List<Long> references = new ArrayList<>(refCount);
            for (int r = 0; r < refCount; r++) {
                references.add(in.readLong());
            }
            blocks.add(new HeapCensus.Block(heaps.get(heap), address, type == 0 ? null : types.get(type - 1),
                    (int) length, bytes, references));
        }
        return new MonitorMessage.Heap(node, new HeapCensus(clock, pageSize, blocks, complete == 1));
    }

    private static void head(ByteBuf out, int op, String node) {
        out.writeByte(op);
        WireStrings.write(out, "node", node, MAX);
    }

    private static String cut(String name) {
        return cutTo(name, MAX);
    }

    private static String cutTo(String text, int bytes) {
        String s = text;
        while (s.getBytes(StandardCharsets.UTF_8).length > bytes) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /**
     * Decodes one monitor payload; does not release {@code in}.
     *
     * @throws FrameFormatException if it does not follow the grammar
     */
    public static Decoded decode(ByteBuf in) {
        if (!in.isReadable()) {
            throw new FrameFormatException("monitor payload is empty");
        }
        int op = in.readUnsignedByte();
        String node = WireStrings.read(in, "monitor node", MAX);
        Decoded decoded = switch (op) {
            case STATE -> new Whole(readState(in, node));
            case PAGES -> readPages(in, node);
            case MEMORY -> new Whole(readMemory(in, node));
            case MESSAGE -> new Whole(readMessage(in, node));
            case LEAVING -> new Whole(new MonitorMessage.Leaving(node));
            case DURABLE -> new Whole(readDurable(in, node));
            case HEAP -> new Whole(readHeap(in, node));
            default -> throw new FrameFormatException("unknown monitor op " + op);
        };
        if (in.isReadable()) {
            throw new FrameFormatException("monitor payload has " + in.readableBytes() + " trailing bytes");
        }
        return decoded;
    }

    private static MonitorMessage.Durable readDurable(ByteBuf in, String node) {
        need(in, 13, "durable state");
        int phase = in.readUnsignedByte();
        if (phase >= Durability.Phase.values().length) {
            throw new FrameFormatException("unknown durable phase " + phase);
        }
        long synced = in.readLong();
        int heard = in.readUnsignedShort();
        int managers = in.readUnsignedShort();
        String problem = WireStrings.read(in, "problem", MAX_CONTENT);
        if (synced < 0 || heard > managers) {
            throw new FrameFormatException("durable state with record " + synced + " synced and " + heard + " of "
                    + managers + " managers heard");
        }
        return new MonitorMessage.Durable(node, new Durability(Durability.Phase.values()[phase], synced, heard,
                managers, problem.isEmpty() ? null : problem));
    }

    private static MonitorMessage.State readState(ByteBuf in, String node) {
        String address = WireStrings.read(in, "address", MAX);
        int members = count(in, 2, 2, "members");
        List<String> names = new ArrayList<>(members);
        for (int i = 0; i < members; i++) {
            names.add(WireStrings.read(in, "member", MAX));
        }
        int count = count(in, 4, 10, "processes");
        Map<ProcessId, String> processes = new HashMap<>();
        for (int i = 0; i < count; i++) {
            need(in, 8, "process id"); // the names before may have taken more than their minimum
            ProcessId id = new ProcessId(in.readLong());
            processes.put(id, WireStrings.read(in, "process name", MAX));
        }
        int entries = count(in, 4, 16, "group entries");
        Map<ProcessId, Set<ProcessId>> groups = new HashMap<>();
        for (int i = 0; i < entries; i++) {
            need(in, 16, "group entry");
            ProcessId group = new ProcessId(in.readLong());
            groups.computeIfAbsent(group, g -> new HashSet<>()).add(new ProcessId(in.readLong()));
        }
        List<String> left = new ArrayList<>();
        if (in.isReadable()) {
            int leftCount = count(in, 2, 2, "left");
            for (int i = 0; i < leftCount; i++) {
                left.add(WireStrings.read(in, "left", MAX));
            }
        }
        List<RegisteredName> registered = new ArrayList<>();
        if (in.isReadable()) {
            NameScope[] scopes = NameScope.values();
            int nameCount = count(in, 4, 11, "names");
            for (int i = 0; i < nameCount; i++) {
                String name = WireStrings.read(in, "name", MAX);
                need(in, 9, "name holder");
                ProcessId holder = new ProcessId(in.readLong());
                int scope = in.readUnsignedByte();
                if (scope >= scopes.length) {
                    throw new FrameFormatException("monitor state: unknown name scope " + scope);
                }
                registered.add(new RegisteredName(name, holder, scopes[scope]));
            }
        }
        return new MonitorMessage.State(node, address, names, processes, groups, left, registered);
    }

    private static PagePiece readPages(ByteBuf in, String node) {
        if (in.readableBytes() < 1) {
            throw new FrameFormatException("monitor pages: truncated");
        }
        boolean last = in.readUnsignedByte() == 1;
        int count = count(in, 4, 8 + 2 + 2 + 2 + 32 + 2, "pages");
        List<PageInfo> pages = new ArrayList<>(count);
        PageInfo.State[] states = PageInfo.State.values();
        for (int i = 0; i < count; i++) {
            need(in, 8, "page number");
            long page = in.readLong();
            String region = WireStrings.read(in, "region", MAX);
            need(in, 2, "page state");
            int state = in.readUnsignedByte();
            if (state >= states.length) {
                throw new FrameFormatException("monitor pages: unknown page state " + state);
            }
            boolean owner = in.readUnsignedByte() == 1;
            String probable = WireStrings.read(in, "probable owner", MAX);
            need(in, 32, "page counters");
            long version = in.readLong();
            long reads = in.readLong();
            long writes = in.readLong();
            long invalidations = in.readLong();
            int copies = count(in, 2, 2, "copyset");
            List<String> copyset = new ArrayList<>(copies);
            for (int c = 0; c < copies; c++) {
                copyset.add(WireStrings.read(in, "copyset member", MAX));
            }
            pages.add(new PageInfo(page, region, states[state], owner, probable.isEmpty() ? null : probable,
                    copyset, version, reads, writes, invalidations));
        }
        return new PagePiece(node, last, pages);
    }

    private static MonitorMessage.Memory readMemory(ByteBuf in, String node) {
        need(in, 9, "memory event");
        int kind = in.readUnsignedByte();
        MemoryEvent.Kind[] kinds = MemoryEvent.Kind.values();
        if (kind >= kinds.length) {
            throw new FrameFormatException("monitor memory event: unknown kind " + kind);
        }
        long page = in.readLong();
        String peer = WireStrings.read(in, "peer", MAX);
        String name = WireStrings.read(in, "name", MAX);
        need(in, 16, "memory event times");
        return new MonitorMessage.Memory(new MemoryEvent(kinds[kind], node, page, peer.isEmpty() ? null : peer,
                name.isEmpty() ? null : name, in.readLong(), in.readLong()));
    }

    private static MonitorMessage.Message readMessage(ByteBuf in, String node) {
        need(in, 1, "message event");
        int kind = in.readUnsignedByte();
        MessageEvent.Kind[] kinds = MessageEvent.Kind.values();
        if (kind >= kinds.length) {
            throw new FrameFormatException("monitor message event: unknown kind " + kind);
        }
        String peer = WireStrings.read(in, "peer", MAX);
        need(in, 24, "message event ids");
        long requestId = in.readLong();
        long sender = in.readLong();
        long target = in.readLong();
        String type = WireStrings.read(in, "message type", MAX);
        need(in, 16, "message event times");
        long nanos = in.readLong();
        long clock = in.readLong();
        String content = in.isReadable() ? WireStrings.read(in, "message content", MAX_CONTENT) : "";
        return new MonitorMessage.Message(new MessageEvent(kinds[kind], node,
                peer.isEmpty() ? null : peer, requestId, sender == 0 ? null : new ProcessId(sender),
                target == 0 ? null : new ProcessId(target), type, nanos, clock, content));
    }

    /** Reads a count of {@code width} bytes whose entries take at least {@code minEntry} bytes each. */
    private static int count(ByteBuf in, int width, int minEntry, String what) {
        need(in, width, what + " count");
        long count = width == 2 ? in.readUnsignedShort() : in.readUnsignedInt();
        if (count * minEntry > in.readableBytes()) {
            throw new FrameFormatException("monitor " + what + ": " + count + " declared, but only "
                    + in.readableBytes() + " bytes remain");
        }
        return (int) count;
    }

    private static void need(ByteBuf in, int bytes, String what) {
        if (in.readableBytes() < bytes) {
            throw new FrameFormatException("monitor " + what + ": truncated");
        }
    }

    /**
     * Joins the pieces of page tables, per node. Not thread-safe: one per connection.
     */
    public static final class PagesAssembler {
        private final Map<String, List<PageInfo>> partial = new HashMap<>();

        /** Adds a piece; returns the node's whole table once its last piece arrived, else null. */
        public MonitorMessage.Pages add(PagePiece piece) {
            List<PageInfo> pages = partial.computeIfAbsent(piece.node(), n -> new ArrayList<>());
            if (pages.size() + piece.pages().size() > MAX_PAGES) {
                partial.remove(piece.node());
                throw new FrameFormatException("monitor pages of node '" + piece.node() + "': more than " + MAX_PAGES);
            }
            pages.addAll(piece.pages());
            if (!piece.last()) {
                return null;
            }
            partial.remove(piece.node());
            return new MonitorMessage.Pages(piece.node(), pages);
        }
    }
}
