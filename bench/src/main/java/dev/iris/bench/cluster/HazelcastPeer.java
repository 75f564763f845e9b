package dev.iris.bench.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NearCacheConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Hazelcast embedded members doing the shared array's logical operations on an {@code IMap} of
 * 4 KiB values: map {@code plain} without and {@code near} with a near cache (invalidated on
 * change, caching local entries too). Neither keeps a backup, as Iris's pages have none.
 */
final class HazelcastPeer {
    private HazelcastPeer() {
    }

    /** Member: {@code hazelcast <port> <all ports, comma-separated> <cluster name>}. */
    static Member.Commands member(String[] args) {
        System.setProperty("hazelcast.phone.home.enabled", "false");
        System.setProperty("hazelcast.logging.type", "jdk");
        java.util.logging.Logger.getLogger("com.hazelcast").setLevel(java.util.logging.Level.WARNING);
        List<Integer> ports = JGroupsPeer.ports(args[1]);
        Config config = new Config().setClusterName(args[2]);
        config.getNetworkConfig().setPort(Integer.parseInt(args[0])).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true)
                .setMembers(ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.toList()));
        config.addMapConfig(new MapConfig("plain").setBackupCount(0));
        config.addMapConfig(new MapConfig("near").setBackupCount(0).setNearCacheConfig(new NearCacheConfig("near")
                .setInMemoryFormat(InMemoryFormat.OBJECT).setInvalidateOnChange(true).setCacheLocalEntries(true)));
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(config);
        return command -> switch (command[0]) {
            case "await" -> {
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (hz.getCluster().getMembers().size() < Integer.parseInt(command[1])) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Hazelcast: " + hz.getCluster().getMembers());
                    }
                    Thread.sleep(10);
                }
                yield "";
            }
            case "init" -> {
                int slots = Integer.parseInt(command[1]);
                for (String name : List.of("plain", "near")) {
                    IMap<Integer, byte[]> map = hz.getMap(name);
                    for (int i = 0; i < slots; i++) {
                        map.set(i, new byte[DsmPeer.PAGE]);
                    }
                }
                yield String.valueOf(slots);
            }
            case "mix" -> {
                IMap<Integer, byte[]> map = hz.getMap(command[1]);
                yield String.valueOf(Measure.mix(new Measure.Slots() {
                    @Override
                    public void read(int slot, byte[] into) {
                        byte[] value = map.get(slot);
                        System.arraycopy(value, 0, into, 0, value.length);
                    }

                    @Override
                    public void write(int slot, byte[] from) {
                        map.set(slot, from);
                    }
                }, Integer.parseInt(command[2]), Integer.parseInt(command[3]), Integer.parseInt(command[4]),
                        Long.parseLong(command[5])));
            }
            default -> throw new IllegalArgumentException("unknown command " + command[0]);
        };
    }
}
