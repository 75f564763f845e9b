package dev.iris.dsl.export;

import dev.iris.runtime.launch.GeneratedSystem;
import dev.iris.runtime.launch.GeneratedSystem.NodeSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.iris.runtime.security.ClusterAuthority;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Writes runnable node bundles for a cluster of a compiled program: per node a directory
 * ({@code bin/iris-node}, {@code lib/}, {@code conf/}, {@code README.md}) and the same as
 * {@code .tar.gz} and {@code .zip}; a container recipe ({@code docker/}) and a Kubernetes
 * StatefulSet with a headless service ({@code k8s/}). The bundles need a Java 21+ runtime and
 * nothing else: {@code lib/iris-runtime.jar} is the runtime with Netty, {@code lib/program.jar}
 * the program's classes. The one exporter of {@code iris export} and of the IDE's export wizard.
 *
 * <p>Files are written under {@code out}; each node's directory is replaced whole. Not thread-safe
 * for one {@code out}.
 */
public final class NodeBundles {
    /**
     * A compiled program to export.
     *
     * @param classes     the directory of its compiled classes (generated and the user's)
     * @param userClasses the user's classes, loaded: the handlers among them are found by type
     * @param runtime     the jars or class directories that hold the Iris runtime and Netty
     */
    public record Program(Path classes, List<Class<?>> userClasses, List<Path> runtime) {
        public Program {
            userClasses = List.copyOf(userClasses);
            runtime = List.copyOf(runtime);
        }
    }

    /** The port nodes listen on in containers. */
    public static final int CONTAINER_PORT = 7000;
    private static final String[] RUNTIME_PACKAGES = {"dev/iris/runtime/", "io/netty/", "META-INF/native/"};

    private NodeBundles() {
    }

    /** A node bundle's default data directory, in the bundle; kept when the bundles are written again. */
    public static final String DATA = "data";

    /**
     * Writes the bundles of {@code cluster} (a cluster of {@code system}) into {@code out}; returns
     * the node bundle directories. Writing them again replaces only what an export writes
     * ({@code bin/}, {@code lib/}, {@code conf/}, {@code README.md}): the pages a node that ran
     * keeps in its bundle stay, and stay out of the archives.
     *
     * @throws IOException if a file cannot be read or written
     */
    public static List<Path> write(Program program, GeneratedSystem system, Object cluster, Path out) throws IOException {
        return write(program, system, cluster, out, DATA);
    }

    /**
     * Writes the bundles as {@link #write(Program, GeneratedSystem, Object, Path)} does, each node's
     * {@code conf/node.properties} naming {@code dataDirectory} as where it keeps a persistent
     * memory's pages: relative to its bundle (a directory of the bundle, kept when the bundles are
     * written again) or absolute (then a directory per node under it, so that bundles run on one
     * machine keep their logs apart).
     *
     * @throws IOException if a file cannot be read or written
     * @throws IllegalArgumentException if {@code dataDirectory} is not one a bundle can name
     *                                  ({@link #dataDirectory(String)})
     */
    public static List<Path> write(Program program, GeneratedSystem system, Object cluster, Path out,
            String dataDirectory) throws IOException {
        Path data = dataDirectory(dataDirectory);
        String clusterName = GeneratedSystem.name(cluster);
        List<NodeSpec> nodes = GeneratedSystem.nodes(cluster);
        List<String> handlers = new ArrayList<>();
        for (Class<?> base : system.handlerBases()) {
            for (Class<?> c : program.userClasses()) {
                if (base.isAssignableFrom(c) && !java.lang.reflect.Modifier.isAbstract(c.getModifiers())) {
                    handlers.add(c.getName());
                }
            }
        }
        ClusterAuthority authority = authority(out, clusterName);
        Path staging = Files.createDirectories(out).resolve(".staging");
        deleteTree(staging);
        Path lib = Files.createDirectories(staging.resolve("lib"));
        runtimeJar(program.runtime(), lib.resolve("iris-runtime.jar"));
        jar(program.classes(), lib.resolve("program.jar"));
        List<Path> bundles = new ArrayList<>();
        for (NodeSpec node : nodes) {
            Path dir = out.resolve(node.name());
            deleteWritten(dir); // only what an export writes: a persistent cluster's pages outlive a new export
            copyTree(lib, dir.resolve("lib"));
            List<String> seeds = nodes.stream().filter(n -> !n.equals(node)).map(NodeSpec::address).toList();
            write(dir.resolve("conf/node.properties"), """
                    # Node %s of cluster %s (system %s), written by iris export.
                    # The environment overrides: IRIS_NODE, IRIS_BIND (host:port), IRIS_SEEDS (host:port,...).
                    # iris.processesOnEventLoop=true (Java 24+) runs the processes on the node's event loop: a
                    # blocking send or page fault then wakes no other thread, but a process must not compute for
                    # long between blocking calls, and a breakpoint in one stops the node's I/O.
                    # iris.dataDirectory (relative to this bundle; IRIS_DATA_DIR overrides) is where the node keeps
                    # the pages of a persistent cluster. A new export keeps it.
                    iris.dataDirectory=%s
                    iris.system=%s
                    iris.cluster=%s
                    iris.node=%s
                    iris.bind=%s
                    iris.seeds=%s
                    iris.handlers=%s
                    """.formatted(node.name(), clusterName, system.type().getName(),
                    (data.isAbsolute() ? data.resolve(node.name()) : data).toString().replace('\\', '/'),
                    system.type().getName(),
                    clusterName, node.name(), node.address(), String.join(",", seeds), String.join(",", handlers)));
            authority.issue(node.name()).write(dir.resolve("conf/credentials"));
            Path launcher = dir.resolve("bin/iris-node");
            write(launcher, """
                    #!/bin/sh
                    # Starts node %1$s of cluster %2$s. Needs Java 21 or newer: $JAVA_HOME/bin/java, else java on the PATH.
                    # IRIS_BIND, IRIS_SEEDS and IRIS_NODE override conf/node.properties; JAVA_OPTS adds JVM options.
                    set -eu
                    DIR=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd -P)
                    JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
                    if ! WHERE=$(command -v "$JAVA"); then
                      echo "iris-node: no java found (set JAVA_HOME or put java on the PATH); node %1$s needs Java 21 or newer" >&2
                      exit 1
                    fi
                    VERSION=$("$JAVA" -version 2>&1 | sed -n 's/.*version "\\([0-9][0-9]*\\)\\.\\{0,1\\}\\([0-9]*\\).*/\\1 \\2/p' | head -n 1)
                    FEATURE=${VERSION%% *}
                    [ "$FEATURE" = 1 ] && FEATURE=${VERSION#* }
                    if [ -z "$FEATURE" ] || [ "$FEATURE" -lt 21 ]; then
                      echo "iris-node: node %1$s needs Java 21 or newer, found ${FEATURE:-an unknown version} at $WHERE" >&2
                      exit 1
                    fi
                    # quiet on the JVMs that would warn about Netty's native and Unsafe access
                    FLAGS=""
                    [ "$FEATURE" -ge 22 ] && FLAGS="--enable-native-access=ALL-UNNAMED"
                    [ "$FEATURE" -ge 23 ] && FLAGS="$FLAGS --sun-misc-unsafe-memory-access=allow"
                    # iris.processesOnEventLoop reaches the JDK's virtual thread builder that takes a scheduler
                    [ "$FEATURE" -ge 24 ] && FLAGS="$FLAGS --add-opens=java.base/java.lang=ALL-UNNAMED"
                    exec "$JAVA" $FLAGS ${JAVA_OPTS:-} -cp "$DIR/lib/*" dev.iris.runtime.launch.NodeMain "$DIR/conf/node.properties"
                    """.formatted(node.name(), clusterName));
            Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
            write(dir.resolve("README.md"), """
                    # Node %1$s of cluster %2$s

                    A runnable node of the Iris system `%3$s`: it listens on %4$s, joins its peers
                    (%5$s) and runs %6$s.

                        bin/iris-node          # needs only a Java 21+ runtime

                    `conf/node.properties` says who it is; `IRIS_BIND=host:port`, `IRIS_SEEDS=host:port,...` and
                    `IRIS_NODE` override it. It prints `READY <node> <address>` once its processes started and
                    runs until stopped (SIGTERM or Ctrl-C; its peers see it leave). `lib/` holds the Iris runtime
                    with Netty (`iris-runtime.jar`) and the program (`program.jar`).

                    `conf/credentials/` proves it belongs to the cluster: its certificate and private key
                    (`node.pem`, `node-key.pem`, readable by its owner only) and the cluster authority's
                    certificate (`ca.pem`). Nodes talk mutual TLS and refuse peers without such credentials.
                    """.formatted(node.name(), clusterName, system.type().getName(), node.address(),
                    seeds.isEmpty() ? "none" : String.join(", ", seeds), String.join(", ", node.runs())));
            tarGz(dir, out.resolve(node.name() + ".tar.gz"));
            zip(dir, out.resolve(node.name() + ".zip"));
            bundles.add(dir);
        }
        boolean persistent = system.memory(cluster).persistent();
        container(system, clusterName, handlers, lib, out, persistent);
        for (NodeSpec node : nodes) {
            authority.issue(node.name()).write(out.resolve("docker/conf/credentials").resolve(node.name()));
        }
        kubernetes(system, clusterName, nodes, out, persistent);
        deleteTree(staging);
        return bundles;
    }

    /** A file's mode in an archive: the launcher executable, keys owner-only, the rest readable. */
    private static int mode(Path file) throws IOException {
        if (Files.isExecutable(file)) {
            return 0100755;
        }
        boolean ownerOnly = !Files.getPosixFilePermissions(file).contains(PosixFilePermission.OTHERS_READ);
        return ownerOnly ? 0100600 : 0100644;
    }

    /**
     * The cluster's authority in {@code out/authority}: the one an earlier export created (so
     * re-exported nodes and clients still join the running ones), else a new one.
     */
    public static ClusterAuthority authority(Path out, String cluster) throws IOException {
        Path dir = out.resolve("authority");
        if (Files.isRegularFile(dir.resolve("ca-key.pem"))) {
            return ClusterAuthority.read(dir);
        }
        ClusterAuthority authority = ClusterAuthority.create(cluster);
        authority.write(dir);
        write(dir.resolve("README.md"), """
                # The certificate authority of cluster %s

                `ca.pem` is the certificate every node trusts; `ca-key.pem` signs node certificates, so whoever
                has it can admit nodes to the cluster: keep it here, off the nodes and out of images. `iris
                export` into this directory again reuses it, so re-exported nodes join the running ones.
                """.formatted(cluster));
        return authority;
    }

    private static void container(GeneratedSystem system, String cluster, List<String> handlers, Path lib, Path out,
            boolean persistent) throws IOException {
        Path docker = out.resolve("docker");
        deleteTree(docker);
        copyTree(lib, docker.resolve("lib"));
        write(docker.resolve("conf/node.properties"), """
                # Cluster %s of %s in containers: the node is the pod's ordinal, addresses come from the
                # StatefulSet's environment (IRIS_BIND, IRIS_SEEDS).
                iris.system=%s
                iris.cluster=%s
                iris.bind=0.0.0.0:%d
                iris.handlers=%s
                """.formatted(cluster, system.type().getName(), system.type().getName(), cluster, CONTAINER_PORT,
                String.join(",", handlers)));
        write(docker.resolve("Dockerfile"), """
                # The nodes of cluster %1$s of %2$s: one image, the node chosen by the pod's ordinal.
                #   docker build -t %3$s docker/
                # Java 25: IRIS_PROCESSES_ON_EVENT_LOOP=true (or iris.processesOnEventLoop=true in conf/) runs
                # the processes on the node's event loop, which needs Java 24 or newer and the --add-opens.
                FROM eclipse-temurin:25-jre
                COPY lib/ /opt/iris/lib/
                COPY conf/ /opt/iris/conf/
                ENV IRIS_NODE_ORDINAL_FROM_HOSTNAME=true
                %5$sEXPOSE %4$d
                ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", \\
                    "--add-opens=java.base/java.lang=ALL-UNNAMED", "-cp", "/opt/iris/lib/*", \\
                    "dev.iris.runtime.launch.NodeMain", "/opt/iris/conf/node.properties"]
                """.formatted(cluster, system.type().getName(), image(system, cluster), CONTAINER_PORT, persistent
                ? "# the persistent memory's pages: a volume, which the StatefulSet claims per pod\nVOLUME /opt/iris/data\n"
                : ""));
    }

    private static void kubernetes(GeneratedSystem system, String cluster, List<NodeSpec> nodes, Path out,
            boolean persistent) throws IOException {
        String name = resourceName(system, cluster);
        List<String> seeds = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            seeds.add(name + "-" + i + "." + name + ":" + CONTAINER_PORT);
        }
        write(out.resolve("k8s/" + name + ".yaml"), """
                # Cluster %1$s of %2$s on Kubernetes: a headless service gives every pod a stable DNS name
                # (%3$s-0.%3$s, ...) that the nodes use as addresses and seeds; pod i is node i of the cluster
                # (%4$s). Build the image from docker/ first.
                apiVersion: v1
                kind: Service
                metadata:
                  name: %3$s
                  labels:
                    app: %3$s
                spec:
                  clusterIP: None
                  publishNotReadyAddresses: true
                  selector:
                    app: %3$s
                  ports:
                    - name: iris
                      port: %5$d
                      targetPort: %5$d
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata:
                  name: %3$s
                spec:
                  serviceName: %3$s
                  replicas: %6$d
                  podManagementPolicy: Parallel
                  selector:
                    matchLabels:
                      app: %3$s
                  template:
                    metadata:
                      labels:
                        app: %3$s
                    spec:
                      containers:
                        - name: node
                          image: %7$s
                          imagePullPolicy: IfNotPresent
                          ports:
                            - name: iris
                              containerPort: %5$d
                          env:
                            - name: POD_NAME
                              valueFrom:
                                fieldRef:
                                  fieldPath: metadata.name
                            - name: IRIS_BIND
                              value: "$(POD_NAME).%3$s:%5$d"
                            - name: IRIS_SEEDS
                              value: "%8$s"
                %9$s""".formatted(cluster, system.type().getName(), name,
                String.join(", ", nodes.stream().map(NodeSpec::name).toList()), CONTAINER_PORT, nodes.size(),
                image(system, cluster), String.join(",", seeds), persistent ? PERSISTENT_VOLUME : ""));
    }

    /** A persistent cluster's pages: a volume per pod, claimed by the StatefulSet, where the nodes keep them. */
    private static final String PERSISTENT_VOLUME = """
                      volumeMounts:
                        - name: data
                          mountPath: /opt/iris/data
              volumeClaimTemplates:
                - metadata:
                    name: data
                  spec:
                    accessModes: ["ReadWriteOnce"]
                    resources:
                      requests:
                        storage: 1Gi
            """;

    /** {@code demo.names} cluster {@code local}: {@code iris-names-local}, a valid DNS label. */
    public static String resourceName(GeneratedSystem system, String cluster) {
        String simple = system.type().getSimpleName().replaceAll("System$", "");
        return ("iris-" + simple + "-" + cluster).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    }

    private static String image(GeneratedSystem system, String cluster) {
        return resourceName(system, cluster) + ":latest";
    }

    /**
     * Where this JVM loaded the runtime and Netty from: the runtime's jar or class directory and
     * the {@code netty-*} jars on the class path (the command line's and the build's case).
     */
    public static List<Path> runtimeOfThisJvm() {
        Set<Path> sources = new LinkedHashSet<>();
        sources.add(location(dev.iris.runtime.Node.class));
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (Path.of(entry).getFileName() != null && Path.of(entry).getFileName().toString().startsWith("netty-")) {
                sources.add(Path.of(entry));
            }
        }
        return List.copyOf(sources);
    }

    /** One jar with the runtime's and Netty's classes (and Netty's native libraries) from {@code sources}. */
    public static void runtimeJar(List<Path> sources, Path target) throws IOException {
        Set<String> written = new java.util.HashSet<>();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target))) {
            for (Path source : sources) {
                if (Files.isDirectory(source)) {
                    try (Stream<Path> walk = Files.walk(source)) {
                        for (Path file : walk.filter(Files::isRegularFile).toList()) {
                            String name = source.relativize(file).toString().replace('\\', '/');
                            if (wanted(name) && written.add(name)) {
                                out.putNextEntry(new JarEntry(name));
                                Files.copy(file, out);
                                out.closeEntry();
                            }
                        }
                    }
                } else {
                    try (JarFile jar = new JarFile(source.toFile())) {
                        for (JarEntry e : java.util.Collections.list(jar.entries())) {
                            if (!e.isDirectory() && wanted(e.getName()) && written.add(e.getName())) {
                                out.putNextEntry(new JarEntry(e.getName()));
                                jar.getInputStream(e).transferTo(out);
                                out.closeEntry();
                            }
                        }
                    }
                }
            }
        }
    }

    private static boolean wanted(String entry) {
        for (String prefix : RUNTIME_PACKAGES) {
            if (entry.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static Path location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void jar(Path classes, Path target) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target));
                Stream<Path> walk = Files.walk(classes)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
    }

    /** What an export writes into a node's bundle: all it deletes and archives (never a node's data). */
    private static final List<String> WRITTEN = List.of("bin", "lib", "conf", "README.md");

    /**
     * {@code dataDirectory} as a path, if it is one a bundle can name: absolute, or a directory of
     * the bundle that an export does not write.
     *
     * @throws IllegalArgumentException if it is blank, leaves the bundle, is the bundle itself, or
     *                                  is in what an export writes
     */
    public static Path dataDirectory(String dataDirectory) {
        Path data;
        try {
            data = Path.of(dataDirectory.strip());
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("the data directory '" + dataDirectory + "' is not a path: "
                    + e.getMessage());
        }
        if (data.isAbsolute()) {
            return data;
        }
        Path normal = data.normalize();
        if (dataDirectory.isBlank() || normal.toString().isEmpty() || normal.startsWith("..")) {
            throw new IllegalArgumentException("the data directory must be a directory of each bundle or an absolute "
                    + "path, not '" + dataDirectory + "'");
        }
        String first = normal.getName(0).toString();
        if (WRITTEN.stream().anyMatch(first::equalsIgnoreCase)) {
            throw new IllegalArgumentException("the data directory cannot be in a bundle's " + first + ", which an "
                    + "export writes anew: not '" + dataDirectory + "'");
        }
        return normal;
    }

    /** The bundle's files to archive: what the export wrote, never the pages a node that ran keeps. */
    private static List<Path> files(Stream<Path> walk, Path dir) {
        return walk.filter(Files::isRegularFile).filter(f -> WRITTEN.contains(dir.relativize(f).getName(0).toString()))
                .sorted().toList();
    }

    private static void tarGz(Path dir, Path target) throws IOException {
        try (OutputStream archive = Files.newOutputStream(target);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(archive));
                Stream<Path> walk = Files.walk(dir)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Path file : files(walk, dir)) {
                TarArchiveEntry entry = new TarArchiveEntry(file.toFile(), dir.getFileName() + "/" + dir.relativize(file));
                entry.setMode(mode(file));
                tar.putArchiveEntry(entry);
                Files.copy(file, tar);
                tar.closeArchiveEntry();
            }
        }
    }

    private static void zip(Path dir, Path target) throws IOException {
        try (var zip = new org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream(target.toFile());
                Stream<Path> walk = Files.walk(dir)) {
            for (Path file : files(walk, dir)) {
                var entry = new org.apache.commons.compress.archivers.zip.ZipArchiveEntry(
                        dir.getFileName() + "/" + dir.relativize(file));
                entry.setUnixMode(mode(file)); // unzip keeps the launcher runnable and the keys private
                zip.putArchiveEntry(entry);
                Files.copy(file, zip);
                zip.closeArchiveEntry();
            }
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** Deletes what an earlier export wrote into bundle {@code dir}, and nothing else. */
    private static void deleteWritten(Path dir) {
        for (String entry : WRITTEN) {
            deleteTree(dir.resolve(entry));
        }
    }

    private static void deleteTree(Path dir) {
        try {
            dev.iris.dsl.compiler.IrisCompiler.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
