package io.finality.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.finality.core.test.TestScale;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link IntSort} against {@link Arrays#sort(int[], int, int)} on seeded random inputs of the shapes
 * the engine produces (a sorted prefix plus appended slots) and the shapes that break quicksorts
 * (sorted, reversed, organ pipe, few distinct values), and its promise to allocate nothing.
 */
class IntSortTest {
    private static final int SHAPES = 7;
    private static final int[] SIZES = {0, 1, 2, 3, 7, 23, 24, 25, 26, 47, 100, 257, 1_000, 4_099, 20_000};

    @Test
    void shouldSortEveryShapeAsArraysSortDoes() {
        final long seed = System.nanoTime();
        final SplittableRandom random = new SplittableRandom(seed);
        final int rounds = TestScale.pick(40, 400);
        for (int round = 0; round < rounds; round++) {
            for (int size : SIZES) {
                for (int s = 0; s < SHAPES; s++) {
                    final int shape = s;
                    final int[] input = shaped(shape, size, random);
                    // sort a sub-range, leaving guards either side untouched
                    final int from = size > 5 ? random.nextInt(3) : 0;
                    final int to = size > 5 ? size - random.nextInt(3) : size;
                    final int[] expected = input.clone();
                    Arrays.sort(expected, from, to);
                    final int[] actual = input.clone();
                    IntSort.sort(actual, from, to);
                    assertArrayEquals(expected, actual,
                        () -> "seed " + seed + ": shape " + shape + ", size " + size + ", range [" + from + ", " + to + ")");
                }
            }
        }
    }

    @Test
    void shouldAllocateNothingOnTheAwaitingListShape() {
        final long seed = System.nanoTime();
        final SplittableRandom random = new SplittableRandom(seed);
        final com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final int[][] inputs = new int[64][];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = shaped(i % SHAPES, 5_000 + random.nextInt(5_000), random);
        }
        final int[] work = new int[10_000];
        // Arrays.sort allocates on these inputs (the runs buffer, the pivot pairs): IntSort must not
        long allocated = 0;
        for (int pass = 0; pass < 20; pass++) {
            for (int[] in : inputs) {
                System.arraycopy(in, 0, work, 0, in.length);
                final long before = mx.getCurrentThreadAllocatedBytes();
                IntSort.sort(work, 0, in.length);
                allocated += mx.getCurrentThreadAllocatedBytes() - before;
            }
        }
        assertEquals(0, allocated, "seed " + seed + ": bytes allocated by 1,280 sorts");
    }

    /** Input of one shape: 0 random, 1 sorted prefix + random tail (the awaiting list), 2 sorted, 3 reversed,
     * 4 few distinct values, 5 organ pipe, 6 all equal. */
    private static int[] shaped(final int shape, final int size, final SplittableRandom random) {
        final int[] a = new int[size];
        switch (shape) {
            case 0 -> {
                for (int i = 0; i < size; i++) {
                    a[i] = random.nextInt();
                }
            }
            case 1 -> {
                final int prefix = size == 0 ? 0 : random.nextInt(size + 1);
                for (int i = 0; i < size; i++) {
                    a[i] = random.nextInt(1_000_000);
                }
                Arrays.sort(a, 0, prefix);
            }
            case 2 -> {
                for (int i = 0; i < size; i++) {
                    a[i] = i * 3 - size;
                }
            }
            case 3 -> {
                for (int i = 0; i < size; i++) {
                    a[i] = size - i;
                }
            }
            case 4 -> {
                for (int i = 0; i < size; i++) {
                    a[i] = random.nextInt(4);
                }
            }
            case 5 -> {
                for (int i = 0; i < size; i++) {
                    a[i] = Math.min(i, size - i);
                }
            }
            default -> Arrays.fill(a, 42);
        }
        return a;
    }
}
