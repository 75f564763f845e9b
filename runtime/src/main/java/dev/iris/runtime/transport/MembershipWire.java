package dev.iris.runtime.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * Payload of {@link FrameKind#MEMBERS}: the live members the sender knows, itself first, each with
 * the address it listens on. A receiver dials every member it does not know yet, which is how a
 * node that knows one seed joins the whole cluster. ({@link FrameKind#HEARTBEAT} has no payload.)
 *
 * <pre>
 * members := count:u16 (name:str address:str){count}     (count &lt;= 4096, str length &lt;= 255)
 * </pre>
 * An address is {@code host:port} for TCP or {@code local:NAME} for the in-JVM transport.
 */
public final class MembershipWire {
    /** One member: its node name and listen address. */
    public record Member(String name, String address) {
    }

    /** Upper bound of a member list. */
    public static final int MAX_MEMBERS = 4096;

    private MembershipWire() {
    }

    public static ByteBuf members(ByteBufAllocator alloc, List<Member> members) {
        if (members.size() > MAX_MEMBERS) {
            throw new IllegalArgumentException(members.size() + " members, at most " + MAX_MEMBERS);
        }
        ByteBuf out = alloc.buffer(2 + members.size() * 32);
        try {
            out.writeShort(members.size());
            for (Member m : members) {
                WireStrings.write(out, "member name", m.name(), 255);
                WireStrings.write(out, "member address", m.address(), 255);
            }
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    public static List<Member> readMembers(ByteBuf in) {
        if (in.readableBytes() < 2) {
            throw new FrameFormatException("members payload is truncated");
        }
        int count = in.readUnsignedShort();
        if (count > MAX_MEMBERS) {
            throw new FrameFormatException("members payload lists " + count + " members, at most " + MAX_MEMBERS);
        }
        List<Member> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            members.add(new Member(WireStrings.read(in, "member name", 255), WireStrings.read(in, "member address", 255)));
        }
        if (in.isReadable()) {
            throw new FrameFormatException("members payload has " + in.readableBytes() + " trailing bytes");
        }
        return members;
    }
}
