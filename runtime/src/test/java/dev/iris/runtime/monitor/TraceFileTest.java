package dev.iris.runtime.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.NameScope;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.RegisteredName;
import dev.iris.runtime.dsm.HeapCensus;
import dev.iris.runtime.dsm.MemoryEvent;
import dev.iris.runtime.dsm.PageInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trace files: what is written is read back in order; a damaged file says where. */
class TraceFileTest {
    private static List<MonitorMessage> sample() {
        List<PageInfo> pages = new ArrayList<>();
        for (int p = 0; p < 10_000; p++) { // more than one frame's worth
            pages.add(new PageInfo(p, "grid", PageInfo.State.values()[p % 3], p % 2 == 0, "n2",
                    p % 5 == 0 ? List.of("n3") : List.of(), p, 1, 2, 3));
        }
        return List.of(
                new MonitorMessage.State("n1", "127.0.0.1:7001", List.of("n1", "n2"), Map.of(new ProcessId(7), "w"),
                        Map.of(ProcessId.wellKnownGroup(2), Set.of(new ProcessId(7))), List.of("n9"),
                        List.of(new RegisteredName("printer", new ProcessId(7), NameScope.CLUSTER),
                                new RegisteredName("spool", new ProcessId(7), NameScope.NODE))),
                new MonitorMessage.Pages("n1", pages),
                new MonitorMessage.Memory(new MemoryEvent(MemoryEvent.Kind.WRITE_FAULT, "n1", 3, null, "grid", 5, 9)),
                new MonitorMessage.Memory(new MemoryEvent(MemoryEvent.Kind.LOCK_GRANTED, "n1", -1, "n2", "l", 6, 10)),
                new MonitorMessage.Heap("n1", new HeapCensus(11, 4096, List.of(
                        new HeapCensus.Block("heap", 8192, "Cell", 0, 24, List.of(8216L)),
                        new HeapCensus.Block("heap", 8216, null, 0, 24, List.of()),
                        new HeapCensus.Block("heap", 8240, "Cells", 3, 40, List.of(0L, 8192L, 8192L))), true)),
                new MonitorMessage.Leaving("n1"));
    }

    /** Writes the sample into {@code file}; returns the records written. */
    private static long write(Path file) throws IOException {
        try (TraceFile.Writer writer = new TraceFile.Writer(file)) {
            for (MonitorMessage m : sample()) {
                writer.write(m);
            }
            return writer.records();
        }
    }

    @Test
    void whatIsWrittenIsReadBackInOrder(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("run.iristrace");
        assertEquals(1 + 3 + 2 + 1 + 1, write(file), "the page table of 10,000 pages takes three records");
        assertEquals(sample(), TraceFile.read(file));
    }

    @Test
    void aCutFileOrAnotherFileIsRefusedSayingWhere(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("run.iristrace");
        write(file);
        byte[] bytes = Files.readAllBytes(file);
        Path cut = dir.resolve("cut.iristrace");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        IOException e = assertThrows(IOException.class, () -> TraceFile.read(cut));
        assertTrue(e.getMessage().contains("record 7") && e.getMessage().contains("cut short"), e.getMessage());

        Path damaged = dir.resolve("damaged.iristrace");
        byte[] broken = bytes.clone();
        broken[8 + 4] = 99; // the first record's op
        Files.write(damaged, broken);
        e = assertThrows(IOException.class, () -> TraceFile.read(damaged));
        assertTrue(e.getMessage().contains("record 0 at byte 8 is damaged"), e.getMessage());

        Path other = dir.resolve("notes.txt");
        Files.writeString(other, "hello, world");
        e = assertThrows(IOException.class, () -> TraceFile.read(other));
        assertTrue(e.getMessage().contains("not an Iris trace"), e.getMessage());
    }
}
