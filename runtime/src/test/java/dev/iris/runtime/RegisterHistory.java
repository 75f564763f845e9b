package dev.iris.runtime;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A history of reads and writes on registers (addresses), recorded by concurrent threads with
 * their real-time intervals, and a linearizability checker for it (Wing and Gong's search with
 * memoized states, as in Lowe's and Knossos's checkers). Linearizability per address implies the
 * sequential consistency per address that the shared memory promises. Every written value must
 * be unique per address; the initial value is 0.
 */
final class RegisterHistory {
    /** One completed operation: {@code write} of {@code value}, or a read that returned it. */
    record Op(long address, boolean write, long value, long invoked, long returned, String by) {
    }

    private final ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();

    void add(Op op) {
        ops.add(op);
    }

    int size() {
        return ops.size();
    }

    /** Checks every address; returns null if the history is linearizable, else why not. */
    String check() {
        Map<Long, List<Op>> byAddress = new HashMap<>();
        for (Op op : ops) {
            byAddress.computeIfAbsent(op.address(), a -> new ArrayList<>()).add(op);
        }
        for (Map.Entry<Long, List<Op>> e : byAddress.entrySet()) {
            String why = check(e.getValue());
            if (why != null) {
                return "address 0x" + Long.toHexString(e.getKey()) + ": " + why;
            }
        }
        return null;
    }

    private record State(BitSet done, long value) {
    }

    private static String check(List<Op> history) {
        List<Op> ops = new ArrayList<>(history);
        ops.sort(Comparator.comparingLong(Op::invoked));
        int n = ops.size();
        Set<State> failed = new HashSet<>();
        // iterative depth-first search over (linearized set, current value)
        BitSet done = new BitSet(n);
        List<Integer> order = new ArrayList<>();
        List<Integer> nextChoice = new ArrayList<>();
        long value = 0;
        List<Long> values = new ArrayList<>();
        int choice = 0;
        int deepest = 0;
        while (order.size() < n) {
            // candidates: not done, invoked before every not-done op returned
            long minReturn = Long.MAX_VALUE;
            for (int i = done.nextClearBit(0); i < n; i = done.nextClearBit(i + 1)) {
                minReturn = Math.min(minReturn, ops.get(i).returned());
            }
            int picked = -1;
            for (int i = done.nextClearBit(choice); i < n; i = done.nextClearBit(i + 1)) {
                Op op = ops.get(i);
                if (op.invoked() > minReturn) {
                    break; // sorted by invocation: no later op can come first
                }
                if (op.write() || op.value() == value) {
                    BitSet next = (BitSet) done.clone();
                    next.set(i);
                    if (!failed.contains(new State(next, op.write() ? op.value() : value))) {
                        picked = i;
                        break;
                    }
                }
            }
            if (picked >= 0) {
                order.add(picked);
                nextChoice.add(picked + 1);
                values.add(value);
                done.set(picked);
                Op op = ops.get(picked);
                if (op.write()) {
                    value = op.value();
                }
                choice = 0;
                deepest = Math.max(deepest, order.size());
            } else {
                failed.add(new State((BitSet) done.clone(), value));
                if (order.isEmpty()) {
                    Op first = ops.get(done.nextClearBit(0));
                    return "not linearizable (" + n + " operations; at most " + deepest + " could be ordered); e.g. "
                            + first;
                }
                int last = order.remove(order.size() - 1);
                done.clear(last);
                value = values.remove(values.size() - 1);
                choice = nextChoice.remove(nextChoice.size() - 1);
            }
        }
        return null;
    }
}
