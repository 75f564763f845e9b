package demo.jacobi;

import dev.iris.runtime.ProcessId;
import dev.iris.runtime.dsm.DistributedBarrier;
import java.util.List;

/**
 * A worker computes a band of rows of each step in release-consistent shared memory. Between steps
 * all workers pass a barrier: arriving publishes the rows this worker wrote (diffs to the pages'
 * homes), passing drops the copies others changed. Bands split pages, so several workers write the
 * same page in one step; their diffs merge.
 */
public class Worker extends AbstractWorker {
    @Override
    protected Solved onSolve(Solve solve) {
        List<ProcessId> all = kernel().members(JacobiSystem.WORKERS).stream()
                .sorted(java.util.Comparator.comparingLong(ProcessId::value)).toList();
        int me = all.indexOf(self());
        int workers = all.size();
        int first = 1 + (Heat.N - 2) * me / workers;
        int end = 1 + (Heat.N - 2) * (me + 1) / workers;
        Grid grid = grid();
        DistributedBarrier step = kernel().memory().barrier("jacobi", workers);
        if (me == 0) { // the boundary, in both grids
            for (int c = 0; c < Heat.N; c++) {
                grid.setEven(c, Heat.initial(0, c));
                grid.setOdd(c, Heat.initial(0, c));
            }
        }
        step.await();
        for (int i = 0; i < solve.iterations(); i++) {
            boolean fromEven = i % 2 == 0;
            Heat.Cell from = fromEven ? (r, c) -> grid.getEven(r * Heat.N + c) : (r, c) -> grid.getOdd(r * Heat.N + c);
            for (int r = first; r < end; r++) {
                for (int c = 1; c < Heat.N - 1; c++) {
                    double value = Heat.step(from, r, c);
                    if (fromEven) {
                        grid.setOdd(r * Heat.N + c, value);
                    } else {
                        grid.setEven(r * Heat.N + c, value);
                    }
                }
            }
            step.await();
        }
        if (me != 0) {
            return new Solved(me, new double[0]);
        }
        double[] result = new double[Heat.N * Heat.N];
        for (int k = 0; k < result.length; k++) {
            result[k] = solve.iterations() % 2 == 0 ? grid.getEven(k) : grid.getOdd(k);
        }
        return new Solved(me, result);
    }
}
