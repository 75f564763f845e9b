package demo.jacobi;

/**
 * Heat diffusion on an N x N plate whose top edge is held at 100 degrees and the other edges at 0:
 * every step replaces each inner cell by the mean of its four neighbours (Jacobi). The reference
 * computation on one node, and the pieces the workers share.
 */
public final class Heat {
    public static final int N = 64;
    public static final double HOT = 100.0;

    private Heat() {
    }

    /** The temperature of cell (row, column) at the start. */
    public static double initial(int row, int column) {
        return row == 0 && column > 0 && column < N - 1 ? HOT : 0.0;
    }

    /** One cell of the next step, from the current grid read through {@code cell}. */
    public static double step(Cell cell, int row, int column) {
        return 0.25 * (cell.at(row - 1, column) + cell.at(row + 1, column) + cell.at(row, column - 1)
                + cell.at(row, column + 1));
    }

    /** Reads a cell of the current grid. */
    @FunctionalInterface
    public interface Cell {
        double at(int row, int column);
    }

    /** The whole computation in plain arrays on one thread: the reference. */
    public static double[] reference(int iterations) {
        double[] current = new double[N * N];
        for (int r = 0; r < N; r++) {
            for (int c = 0; c < N; c++) {
                current[r * N + c] = initial(r, c);
            }
        }
        double[] next = current.clone();
        for (int i = 0; i < iterations; i++) {
            double[] from = current;
            for (int r = 1; r < N - 1; r++) {
                for (int c = 1; c < N - 1; c++) {
                    next[r * N + c] = step((row, column) -> from[row * N + column], r, c);
                }
            }
            double[] swap = current;
            current = next;
            next = swap;
        }
        return current;
    }
}
