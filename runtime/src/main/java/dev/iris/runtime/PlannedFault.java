package dev.iris.runtime;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fault that a simulation injected, or is to inject, at a moment of its simulated time
 * ({@link SimulatedCluster#faultPlan()}, {@link SimulatedCluster#injectFaults(List, java.util.function.Consumer,
 * java.util.function.Consumer)}). Its text is {@code <seconds>s <kind>[ <node>,...][ for <seconds>s]}, for
 * instance {@code 4.211538112s kill n2}, {@code 7.5s partition n3 for 2.1s} or {@code 9s delay for 3s}: the
 * moments to the nanosecond, so that a plan written out and read back replays the same run. A plan
 * is such faults separated by {@code ;}.
 *
 * @param atNanos      when, in simulated nanoseconds since the simulation began
 * @param kind         what
 * @param nodes        the node killed or restarted, or the side a partition cuts off (none for a delay)
 * @param lastingNanos how long a partition or a delay lasts (0 for a kill or a restart)
 */
public record PlannedFault(long atNanos, SimulatedCluster.Fault kind, List<String> nodes, long lastingNanos) {
    private static final Pattern TEXT = Pattern.compile(
            "(\\d{1,9}(?:\\.\\d{1,9})?)s (kill|restart|partition|delay)((?: [^ ;]+)?)(?: for (\\d{1,9}(?:\\.\\d{1,9})?)s)?");
    /** A node's name as a plan writes it. */
    private static final Pattern NODE = Pattern.compile("[^\\s,;'\"]+");

    /**
     * @throws IllegalArgumentException if the nodes or the duration do not fit the kind, or a node's
     *                                  name cannot be written in a plan
     */
    public PlannedFault {
        nodes = List.copyOf(nodes);
        for (String node : nodes) {
            if (!NODE.matcher(node).matches()) {
                throw new IllegalArgumentException("'" + node + "' cannot be a node of a fault plan: a plan names "
                        + "nodes without spaces, quotes, ',' or ';'");
            }
        }
        if (nodes.stream().distinct().count() != nodes.size()) {
            throw new IllegalArgumentException("a fault names each node once, not " + nodes);
        }
        if (atNanos < 0) {
            throw new IllegalArgumentException("a fault's moment is not negative: " + atNanos);
        }
        boolean lasts = kind == SimulatedCluster.Fault.PARTITION || kind == SimulatedCluster.Fault.DELAY;
        int expected = switch (kind) {
            case KILL, RESTART -> 1;
            case PARTITION -> Math.max(1, nodes.size());
            case DELAY -> 0;
        };
        if (nodes.size() != expected || lasts != lastingNanos > 0 || lastingNanos < 0) {
            throw new IllegalArgumentException("a " + name(kind) + " names " + (expected == 0 ? "no node"
                    : kind == SimulatedCluster.Fault.PARTITION ? "the nodes it cuts off" : "one node")
                    + (lasts ? " and lasts a while" : " and lasts no time") + ", not " + nodes + " for " + lastingNanos
                    + " ns");
        }
    }

    /**
     * The faults of {@code plan}: {@link #toString()}s separated by {@code ;} (blank for none).
     *
     * @throws IllegalArgumentException naming the part that is not a fault, and what a fault looks like
     */
    public static List<PlannedFault> parse(String plan) {
        List<PlannedFault> faults = new ArrayList<>();
        for (String part : plan.split(";")) {
            String text = part.strip();
            if (text.isEmpty()) {
                continue;
            }
            Matcher m = TEXT.matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + text + "' is not a fault: a fault is '<seconds>s kill <node>', "
                        + "'<seconds>s restart <node>', '<seconds>s partition <node>,... for <seconds>s' or "
                        + "'<seconds>s delay for <seconds>s'");
            }
            String nodes = m.group(3).strip();
            faults.add(new PlannedFault(nanos(m.group(1)), SimulatedCluster.Fault.valueOf(m.group(2).toUpperCase(
                    Locale.ROOT)), nodes.isEmpty() ? List.of() : List.of(nodes.split(",", -1)),
                    m.group(4) == null ? 0 : nanos(m.group(4))));
        }
        return faults;
    }

    /** {@code faults} as a plan that {@link #parse} reads back. */
    public static String format(List<PlannedFault> faults) {
        return String.join("; ", faults.stream().map(PlannedFault::toString).toList());
    }

    @Override
    public String toString() {
        return seconds(atNanos) + " " + name(kind) + (nodes.isEmpty() ? "" : " " + String.join(",", nodes))
                + (lastingNanos == 0 ? "" : " for " + seconds(lastingNanos));
    }

    private static String name(SimulatedCluster.Fault kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static String seconds(long nanos) {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString() + "s";
    }

    private static long nanos(String seconds) {
        return new BigDecimal(seconds).movePointRight(9).longValueExact();
    }
}
