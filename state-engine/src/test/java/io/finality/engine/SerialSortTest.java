package io.finality.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.finality.engine.model.Payment;
import io.finality.engine.model.PaymentPool;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link SerialSort} against a plain sort by serial, on each side of its insertion threshold and in the orders it meets. */
class SerialSortTest {
    private static final int[] SIZES = {0, 1, 2, 3, 23, 24, 25, 26, 100, 1_000, 3_001};

    @Test
    void shouldPutCandidatesInTrackingOrderWhateverOrderTheyArriveIn() {
        final long seed = System.nanoTime();
        final SplittableRandom random = new SplittableRandom(seed);
        final PaymentPool pool = new PaymentPool();
        for (int size : SIZES) {
            for (int shape = 0; shape < 4; shape++) {
                final Payment[] input = new Payment[size + 3];
                for (int i = 0; i < size; i++) {
                    input[i] = pool.acquire();
                    input[i].serial(switch (shape) {
                        case 0 -> i + 1;
                        case 1 -> size - i;
                        case 2 -> random.nextLong(1, Long.MAX_VALUE);
                        default -> (i % 2 == 0 ? i : size + i) + 1;
                    });
                }
                final Payment[] expected = Arrays.copyOf(input, size);
                Arrays.sort(expected, Comparator.comparingLong(Payment::serial));
                SerialSort.sort(input, size);
                for (int i = 0; i < size; i++) {
                    assertEquals(expected[i], input[i], "seed " + seed + ", size " + size + ", shape " + shape + ", at " + i);
                }
                assertEquals(null, input[size], "nothing beyond the count is touched");
            }
        }
    }
}
