package dev.iris.runtime.internal.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class PageLogTest {
    private static final int PAGE = 256;
    private static final int RECORD = 8 + 12 + 16 + PAGE;
    @TempDir
    Path dir;

    /** The words of {@code page} at {@code version}: different for every page and version. */
    private static long[] words(long page, long version) {
        long[] words = new long[PAGE / 8];
        for (int i = 0; i < words.length; i++) {
            words[i] = page * 1_000_003L + version * 7_919L + i;
        }
        return words;
    }

    /**
     * A disk that loses at a power cut every byte not forced: it notes each file's size when a
     * force starts (what was written before is durable once it returns).
     */
    private static final class PowerCutDisk implements PageLog.Disk {
        final Map<Path, Long> durable = new ConcurrentHashMap<>();

        @Override
        public void force(FileChannel channel, Path file) throws IOException {
            long size = channel.size();
            channel.force(false);
            durable.merge(file, size, Math::max);
        }

        @Override
        public void forceDirectory(Path dir) {
            // the test's files stay: only their contents are cut
        }

        /**
         * The power cut: the file keeps what was forced, then some of what was written after it,
         * as the disk may have written it: a part of it, perhaps with a byte gone wrong.
         */
        void cut(Path file, SplittableRandom random) throws IOException {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
                long keep = durable.getOrDefault(file, 0L);
                ByteBuffer unsynced = ByteBuffer.allocate((int) (channel.size() - keep));
                channel.read(unsynced, keep);
                byte[] torn = Arrays.copyOf(unsynced.array(), random.nextInt(unsynced.capacity() + 1));
                if (torn.length > 0 && random.nextBoolean()) {
                    torn[random.nextInt(torn.length)] ^= 0x5A;
                }
                channel.truncate(keep);
                channel.write(ByteBuffer.wrap(torn), keep);
            }
        }
    }

    @Test
    void recordsComeBackNewestVersionFirstAndNumberingGoesOn() throws IOException {
        Path file = dir.resolve("pages.log");
        try (PageLog log = PageLog.open(file, PAGE, PageLog.Disk.REAL)) {
            assertTrue(log.latest().isEmpty());
            assertEquals(1, log.append(3, 1, words(3, 1)));
            assertEquals(2, log.append(5, 1, words(5, 1)));
            assertEquals(3, log.append(3, 2, words(3, 2)));
            log.sync(3);
            assertEquals(3, log.synced());
        }
        try (PageLog log = PageLog.open(file, PAGE, PageLog.Disk.REAL)) {
            assertNull(log.dropped());
            assertEquals(2, log.latest().size());
            assertEquals(2, log.latest().get(3L).version());
            assertArrayEquals(words(3, 2), log.latest().get(3L).data());
            assertArrayEquals(words(5, 1), log.latest().get(5L).data());
            assertEquals(4, log.append(5, 2, words(5, 2)), "sequence numbers go on where the file ended");
        }
    }

    /**
     * Writers whose records a force in progress covers wait for it: while the first writer's force
     * runs, eight more write and sync, and one force covers them all.
     */
    @Test
    void writersWaitingForAForceShareTheNextOne() throws Exception {
        CountDownLatch firstForceStarted = new CountDownLatch(1);
        CountDownLatch othersWrote = new CountDownLatch(8);
        CountDownLatch othersSyncing = new CountDownLatch(8);
        AtomicInteger forces = new AtomicInteger();
        PageLog.Disk disk = (channel, file) -> {
            if (forces.incrementAndGet() == 2) { // the first is the new file's header
                firstForceStarted.countDown();
                try {
                    assertTrue(othersSyncing.await(30, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            channel.force(false);
        };
        try (PageLog log = PageLog.open(dir.resolve("pages.log"), PAGE, disk);
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> writers = new ArrayList<>();
            writers.add(pool.submit(() -> {
                log.sync(log.append(0, 1, words(0, 1)));
                return null;
            }));
            assertTrue(firstForceStarted.await(30, TimeUnit.SECONDS));
            for (int i = 1; i <= 8; i++) {
                long page = i;
                writers.add(pool.submit(() -> {
                    long lsn = log.append(page, 1, words(page, 1));
                    othersWrote.countDown();
                    assertTrue(othersWrote.await(30, TimeUnit.SECONDS)); // all written before any syncs
                    othersSyncing.countDown();
                    log.sync(lsn);
                    return null;
                }));
            }
            for (Future<?> w : writers) {
                w.get();
            }
            assertEquals(9, log.synced());
        }
        assertEquals(3, forces.get(), "the header, the first writer's force, and one for the eight others");
    }

    @Test
    void aFailedForceFailsItsWriterAndEveryAppendAndSyncAfterIt() throws IOException {
        AtomicInteger forces = new AtomicInteger();
        PageLog.Disk disk = (channel, file) -> {
            if (forces.incrementAndGet() == 2) {
                throw new IOException("no space left on device");
            }
            channel.force(false);
        };
        try (PageLog log = PageLog.open(dir.resolve("pages.log"), PAGE, disk)) {
            long first = log.append(1, 1, words(1, 1));
            IOException e = assertThrows(IOException.class, () -> log.sync(first));
            assertTrue(e.getMessage().contains("pages.log") && e.getCause().getMessage().contains("no space"),
                    e.getMessage());
            e = assertThrows(IOException.class, () -> log.append(2, 1, words(2, 1)));
            assertTrue(e.getMessage().contains("not used further"), e.getMessage());
            e = assertThrows(IOException.class, () -> log.sync(first));
            assertTrue(e.getMessage().contains("not used further"), e.getMessage());
            assertEquals(0, log.synced());
        }
    }

    /**
     * Twenty power cuts, each after four writers wrote records and synced some: every synced record
     * is there after it, nothing torn is loaded, and the log goes on. Without the force in
     * {@link PageLog#sync} synced records are lost and this fails.
     */
    @Test
    void aPowerCutLosesOnlyWhatWasNotSynced() throws Exception {
        Path file = dir.resolve("pages.log");
        PowerCutDisk disk = new PowerCutDisk();
        SplittableRandom random = new SplittableRandom(20261206);
        Map<Long, Long> acknowledged = new ConcurrentHashMap<>(); // page -> newest version whose record was synced
        AtomicInteger versions = new AtomicInteger();
        int dropped = 0;
        for (int cut = 0; cut < 20; cut++) {
            try (PageLog log = PageLog.open(file, PAGE, disk)) {
                dropped += log.dropped() != null ? 1 : 0;
                for (Map.Entry<Long, Long> a : acknowledged.entrySet()) {
                    PageLog.Entry e = log.latest().get(a.getKey());
                    assertNotNull(e, "page " + a.getKey() + " was synced before cut " + cut);
                    assertTrue(e.version() >= a.getValue(), "page " + a.getKey() + " lost a synced version");
                }
                for (PageLog.Entry e : log.latest().values()) {
                    assertArrayEquals(words(e.page(), e.version()), e.data(), "nothing torn is loaded");
                }
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<Future<?>> writers = new ArrayList<>();
                    for (int w = 0; w < 4; w++) {
                        SplittableRandom mine = random.split();
                        writers.add(pool.submit(() -> {
                            for (int i = 0; i < 10; i++) {
                                long page = mine.nextInt(8);
                                long version = versions.incrementAndGet();
                                long lsn = log.append(page, version, words(page, version));
                                if (mine.nextInt(3) == 0) {
                                    log.sync(lsn);
                                    acknowledged.merge(page, version, Math::max);
                                }
                            }
                            return null;
                        }));
                    }
                    for (Future<?> w : writers) {
                        w.get();
                    }
                }
            }
            disk.cut(file, random);
        }
        assertTrue(acknowledged.size() > 4, "the test synced records of several pages");
        assertTrue(dropped > 5, "cuts left torn records behind, and they were dropped: " + dropped);
    }

    /** What a node read back from its log is durable once the log is open, even if it was never synced. */
    @Test
    void recordsReadBackAreForcedBeforeTheLogIsUsed() throws IOException {
        Path file = dir.resolve("pages.log");
        PowerCutDisk disk = new PowerCutDisk();
        try (PageLog log = PageLog.open(file, PAGE, disk)) {
            log.append(4, 1, words(4, 1)); // the node is killed before it syncs
        }
        try (PageLog log = PageLog.open(file, PAGE, disk)) {
            assertEquals(1, log.latest().get(4L).version()); // the cluster may adopt it now
        }
        disk.cut(file, new SplittableRandom(1));
        try (PageLog log = PageLog.open(file, PAGE, disk)) {
            assertArrayEquals(words(4, 1), log.latest().get(4L).data(), "a power cut does not take it back");
        }
    }

    /** A header the disk never wrote (zeros) is a log made by a node that stopped at once: it starts anew. */
    @Test
    void aLogWhoseHeaderNeverReachedTheDiskStartsAnew() throws IOException {
        Path file = Files.write(dir.resolve("pages.log"), new byte[4096]);
        try (PageLog log = PageLog.open(file, PAGE, PageLog.Disk.REAL)) {
            assertTrue(log.latest().isEmpty());
            assertEquals(1, log.append(1, 1, words(1, 1)));
        }
        assertEquals(16 + RECORD, Files.size(file));
    }

    @Test
    void aDamagedRecordAndAllAfterItAreDroppedNamingFileAndOffset() throws IOException {
        Path file = dir.resolve("pages.log");
        try (PageLog log = PageLog.open(file, PAGE, PageLog.Disk.REAL)) {
            for (int i = 1; i <= 5; i++) {
                log.append(i, 1, words(i, 1));
            }
            log.sync(5);
        }
        long second = 16 + RECORD;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            channel.read(b, second + 100);
            channel.write(ByteBuffer.wrap(new byte[] {(byte) ~b.get(0)}), second + 100);
        }
        try (PageLog log = PageLog.open(file, PAGE, PageLog.Disk.REAL)) {
            assertArrayEquals(words(1, 1), log.latest().get(1L).data());
            assertEquals(1, log.latest().size(), "nothing from the damaged record on is loaded");
            assertTrue(log.dropped().contains(file.toString()) && log.dropped().contains("offset " + second)
                    && log.dropped().contains("checksum"), log.dropped());
        }
        assertEquals(second, Files.size(file), "the file ends where the damage began");
        assertEquals(4 * RECORD, Files.size(dir.resolve("pages.log.dropped-at-" + second)), "the dropped bytes are kept");
    }

    @Test
    void aFileOfAnotherKindFormatOrPageSizeIsRefusedByName() throws IOException {
        Path other = Files.writeString(dir.resolve("notes.txt"), "not a page log at all");
        IOException e = assertThrows(IOException.class, () -> PageLog.open(other, PAGE, PageLog.Disk.REAL));
        assertTrue(e.getMessage().contains(other.toString()) && e.getMessage().contains("not an Iris page log"),
                e.getMessage());
        Path file = dir.resolve("pages.log");
        PageLog.open(file, PAGE, PageLog.Disk.REAL).close();
        e = assertThrows(IOException.class, () -> PageLog.open(file, 2 * PAGE, PageLog.Disk.REAL));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(PAGE + " bytes"), e.getMessage());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4).putInt(0, 1), 8);
        }
        e = assertThrows(IOException.class, () -> PageLog.open(file, PAGE, PageLog.Disk.REAL));
        assertEquals(file + " is a page log of format 1; this Iris reads format 2", e.getMessage());
    }

    /** A record of several pages (a transaction's commit) comes back whole or not at all. */
    @Test
    void theImagesOfOneRecordComeBackAllOrNone() throws IOException {
        Path file = dir.resolve("pages.log");
        List<PageLog.Image> commit = List.of(new PageLog.Image(4, 2, words(4, 2)), new PageLog.Image(7, 3, words(7, 3)),
                new PageLog.Image(9, 5, words(9, 5)));
        try (PageLog log = PageLog.open(file, PAGE, PageLog.Disk.REAL)) {
            log.sync(log.append(4, 1, words(4, 1)));
            log.sync(log.append(commit));
        }
        long first = 16 + RECORD;
        long whole = Files.size(file);
        assertEquals(first + 8 + 12 + 3 * (16 + PAGE), whole);
        try (PageLog log = PageLog.open(file, PAGE, PageLog.Disk.REAL)) {
            assertEquals(3, log.latest().size());
            for (PageLog.Image image : commit) {
                PageLog.Entry e = log.latest().get(image.page());
                assertEquals(image.version(), e.version());
                assertArrayEquals(image.data(), e.data());
                assertEquals(2, e.lsn());
            }
        }
        for (long cut : new long[] {whole - 1, first + 8 + 12 + 16 + PAGE + 3, first + 6}) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(cut);
            }
            try (PageLog log = PageLog.open(file, PAGE, PageLog.Disk.REAL)) {
                assertEquals(1, log.latest().size(), "cut at " + cut + ": none of the commit's pages");
                assertEquals(1, log.latest().get(4L).version());
                assertTrue(log.dropped().contains("offset " + first), log.dropped());
                log.sync(log.append(commit)); // and the log goes on after it
            }
            Files.deleteIfExists(dir.resolve("pages.log.dropped-at-" + first));
        }
    }

    /** Compaction keeps the newest image of each page, and what was appended while it ran. */
    @Test
    void compactionKeepsTheNewestImageOfEachPageAndShrinksTheLog() throws Exception {
        Path file = dir.resolve("pages.log");
        int pages = 16;
        int writers = 4;
        long[] newest = new long[pages];
        try (PageLog log = PageLog.open(file, PAGE, PageLog.Disk.REAL)) {
            for (long v = 1; v <= 20; v++) {
                for (int p = 0; p < pages; p++) {
                    log.append(p + 1, v, words(p + 1, v));
                    newest[p] = v;
                }
            }
            log.sync(20L * pages);
            long before = log.size();
            assertEquals(16 + 16L * RECORD, log.liveSize());
            // writers go on during compactions: each page p belongs to writer p % writers
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    int writer = w;
                    running.add(pool.submit(() -> {
                        for (long v = 21; v <= 60; v++) {
                            for (int p = writer; p < pages; p += writers) {
                                log.sync(log.append(p + 1, v, words(p + 1, v)));
                                newest[p] = v;
                            }
                        }
                        return null;
                    }));
                }
                for (int i = 0; i < 5; i++) {
                    log.compact();
                }
                for (Future<?> f : running) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            log.compact();
            assertTrue(log.size() < before, "the log shrank: " + log.size() + " of " + before);
            assertEquals(log.liveSize(), log.size(), "one record per page after a compaction with no writer");
            log.sync(log.append(1, 61, words(1, 61))); // and it goes on
            newest[0] = 61;
        }
        assertEquals(List.of("pages.log"), Files.list(dir).map(p -> p.getFileName().toString()).toList());
        try (PageLog log = PageLog.open(file, PAGE, PageLog.Disk.REAL)) {
            assertNull(log.dropped());
            assertEquals(pages, log.latest().size());
            for (int p = 0; p < pages; p++) {
                assertEquals(newest[p], log.latest().get(p + 1L).version(), "page " + (p + 1));
                assertArrayEquals(words(p + 1, newest[p]), log.latest().get(p + 1L).data());
            }
            assertEquals(20L * pages + 40L * pages + 2, log.append(2, 99, words(2, 99)), "numbering goes on");
        }
    }

    /** A node stopped while it compacted finds the old log whole and the unfinished copy gone. */
    @Test
    void anUnfinishedCompactionIsDroppedAtOpen() throws IOException {
        Path file = dir.resolve("pages.log");
        try (PageLog log = PageLog.open(file, PAGE, PageLog.Disk.REAL)) {
            log.sync(log.append(7, 3, words(7, 3)));
        }
        Files.write(dir.resolve("pages.log.compacting"), new byte[100]);
        try (PageLog log = PageLog.open(file, PAGE, PageLog.Disk.REAL)) {
            assertEquals(3, log.latest().get(7L).version());
        }
        assertFalse(Files.exists(dir.resolve("pages.log.compacting")));
    }
}
