package dev.iris.junit;

import dev.iris.runtime.SimulatedCluster;
import dev.iris.runtime.internal.VirtualThreads;
import dev.iris.runtime.launch.ClusterSession;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.opentest4j.TestAbortedException;

/**
 * Runs a {@link SimulationTest} method once per seed: each invocation runs the method with
 * {@link ClusterSession#SIMULATE_ENV} (and {@link ClusterSession#FAULTS_ENV}) set for its thread,
 * resolves a {@link SimulationRun} parameter, and adds to a failure the annotation that runs that
 * seed alone.
 */
final class SimulationExtension implements TestTemplateInvocationContextProvider {
    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getTestMethod().map(m -> m.isAnnotationPresent(SimulationTest.class)).orElse(false);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        Method method = context.getRequiredTestMethod();
        SimulationTest test = method.getAnnotation(SimulationTest.class);
        if (test.runs() < 1) {
            throw new IllegalArgumentException("@SimulationTest on " + method.getName() + ": runs must be at least 1, "
                    + "not " + test.runs());
        }
        Set<SimulatedCluster.Fault> faults = test.faults().length == 0 ? Set.of()
                : EnumSet.copyOf(Arrays.asList(test.faults()));
        return LongStream.range(test.seed(), test.seed() + test.runs())
                .mapToObj(seed -> new Seed(new SimulationRun(seed, faults)));
    }

    /** One seed's invocation. */
    private record Seed(SimulationRun run) implements TestTemplateInvocationContext {
        @Override
        public String getDisplayName(int invocationIndex) {
            return "seed " + run.seed();
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
            return List.of(new Simulated(run));
        }
    }

    /** Runs the method in the simulation of one seed. */
    private record Simulated(SimulationRun run) implements InvocationInterceptor, ParameterResolver {
        @Override
        public void interceptTestTemplateMethod(Invocation<Void> invocation,
                ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext)
                throws Throwable {
            if (VirtualThreads.unavailable() != null) {
                invocation.skip();
                throw new TestAbortedException("a simulation needs " + VirtualThreads.unavailable());
            }
            String faults = run.faults().stream().map(f -> f.name().toLowerCase(Locale.ROOT)).sorted()
                    .collect(Collectors.joining(","));
            try {
                ClusterSession.withEnvironment(Map.of(ClusterSession.SIMULATE_ENV, Long.toString(run.seed()),
                        ClusterSession.FAULTS_ENV, faults), () -> proceed(invocation));
            } catch (TestAbortedException aborted) {
                throw aborted;
            } catch (Throwable failure) {
                failure.addSuppressed(new SeedFailed(run, extensionContext.getRequiredTestMethod(), faults));
                throw failure;
            }
        }

        private static Void proceed(Invocation<Void> invocation) throws Exception {
            try {
                return invocation.proceed();
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable other) {
                throw new IllegalStateException(other);
            }
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == SimulationRun.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return run;
        }
    }

    /** Tells, beside a seed's failure, how to run that seed alone. */
    private static final class SeedFailed extends Exception {
        private static final long serialVersionUID = 1L;

        SeedFailed(SimulationRun run, Method method, String faults) {
            super("seed " + run.seed() + " failed; run it alone with @SimulationTest(seed = " + run.seed()
                    + ", runs = 1" + (faults.isEmpty() ? "" : ", faults = {" + Arrays.stream(faults.split(","))
                            .map(f -> "Fault." + f.toUpperCase(Locale.ROOT)).collect(Collectors.joining(", ")) + "}")
                    + ") on " + method.getName() + ": the same seed runs the same history", null, false, false);
        }
    }
}
