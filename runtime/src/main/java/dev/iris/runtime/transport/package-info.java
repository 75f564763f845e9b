/**
 * The wire: length-prefixed, versioned binary frames ({@link dev.iris.runtime.transport.Frame}),
 * the single registry of frame kinds ({@link dev.iris.runtime.transport.FrameKind}) and the
 * connection handshake. The grammar of every frame kind is in {@code doc/design/frames.md}.
 * No Java serialization is used anywhere on the wire.
 */
package dev.iris.runtime.transport;
