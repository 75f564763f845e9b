package dev.iris.runtime.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * Flushes again what a flush made during a flush of the same channel left behind. Netty's in-JVM
 * channel ({@code LocalChannel}) hands the peer what it wrote at the end of a flush, and when the
 * peer shares the event loop the peer reads it there and then: an answer the peer writes back on
 * this channel is flushed while this channel is still flushing, and Netty ignores such a nested
 * flush (the channel's re-entrance guard; see netty/netty#1679), so the answer would wait for the
 * next flush of the channel, perhaps forever. This handler, next to the channel's head, sees the
 * nested flush and runs it again as a task of the loop, after the outer one. Only in-JVM
 * connections need it: a socket channel writes what a nested flush added before its flush returns.
 */
public final class ReentrantFlush extends ChannelDuplexHandler {
    private boolean flushing;

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (flushing) {
            ctx.executor().execute(ctx::flush); // the outer flush is done by then
            return;
        }
        flushing = true;
        try {
            ctx.flush();
        } finally {
            flushing = false;
        }
    }
}
