package dev.mailkit.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** How watching processes share the accounts: every account has room, nobody above its capacity, evenly. */
class WatchShareTest {

    @Test
    void equalCapacities_shareEvenly_roundedUp() {
        assertThat(WatchingFleet.share(12, List.of(100, 100), 100)).isEqualTo(6);
        assertThat(WatchingFleet.share(13, List.of(100, 100, 100), 100)).isEqualTo(5);
        assertThat(WatchingFleet.share(1000, List.of(100_000), 100_000)).isEqualTo(1000);
        assertThat(WatchingFleet.share(0, List.of(10, 10), 10)).isZero();
    }

    @Test
    void roundedDown_isWhatEachIsOwedAtLeast() {
        // 4 accounts, 3 workers: rounded up each may take 2 (2, 2, 0 is possible); rounded down each is owed 1
        assertThat(WatchingFleet.share(4, List.of(100, 100, 100), 100, true)).isEqualTo(2);
        assertThat(WatchingFleet.share(4, List.of(100, 100, 100), 100, false)).isEqualTo(1);
        assertThat(WatchingFleet.share(100, List.of(100, 100, 10), 10, false)).isEqualTo(10);
        assertThat(WatchingFleet.share(100, List.of(100, 100, 10), 100, false)).isEqualTo(45);
    }

    @Test
    void roundedDown_countsWhatTheSmallerCapacitiesCannotTake() {
        // 3 accounts, capacities 1 and 100: the large one is owed 2, not 1
        assertThat(WatchingFleet.share(3, List.of(1, 100), 100, false)).isEqualTo(2);
        assertThat(WatchingFleet.share(5, List.of(1, 1, 100), 100, false)).isEqualTo(3);
    }

    /**
     * The reference: the level L at which the capacities, each filled up to L, hold exactly the accounts (found
     * by bisection over real numbers); a process's share is its capacity or L, rounded.
     */
    private static int reference(int accounts, List<Integer> caps, int mine, boolean roundUp) {
        long capacity = caps.stream().mapToLong(Integer::longValue).sum();
        if (capacity <= accounts) {
            return mine;
        }
        double lo = 0;
        double hi = accounts;
        for (int i = 0; i < 200; i++) {
            double mid = (lo + hi) / 2;
            double held = caps.stream().mapToDouble(c -> Math.min(c, mid)).sum();
            if (held < accounts) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double level = hi;
        long rounded = roundUp ? (long) Math.ceil(level - 1e-9) : (long) Math.floor(level + 1e-9);
        return (int) Math.min(mine, rounded);
    }

    @Test
    void randomFleets_matchTheReference() {
        randomFleets((seed, accounts, caps) -> {
            for (int c : caps) {
                for (boolean up : new boolean[] {true, false}) {
                    assertThat(WatchingFleet.share(accounts, caps, c, up))
                            .as("seed %d: %d accounts, capacities %s, this one %d, rounded %s", seed, accounts, caps, c,
                                    up ? "up" : "down")
                            .isEqualTo(reference(accounts, caps, c, up));
                }
            }
        });
    }

    /** A random fleet: its seed (to replay), how many accounts, and the processes' capacities. */
    private interface Fleet {
        void check(long seed, int accounts, List<Integer> caps);
    }

    /** 5,000 random fleets of 1 to 6 processes, capacities 1 to 20 or to 2,000, up to 3,000 accounts. */
    private static void randomFleets(Fleet check) {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 5_000; round++) {
            int processes = 1 + random.nextInt(6);
            List<Integer> caps = new ArrayList<>();
            for (int i = 0; i < processes; i++) {
                caps.add(1 + random.nextInt(random.nextBoolean() ? 20 : 2_000));
            }
            check.check(seed, random.nextInt(3_000), caps);
        }
    }

    @Test
    void aSmallCapacity_leavesTheRestToTheOthers() {
        // 100 accounts, capacities 100, 100 and 10: the small one takes 10, the others 45 each
        assertThat(WatchingFleet.share(100, List.of(100, 100, 10), 10)).isEqualTo(10);
        assertThat(WatchingFleet.share(100, List.of(100, 100, 10), 100)).isEqualTo(45);
        // more accounts than the fleet can hold: everyone takes all it may
        assertThat(WatchingFleet.share(500, List.of(100, 100, 10), 100)).isEqualTo(100);
    }

    @Test
    void randomFleets_giveEveryAccountRoom_withinEachCapacity_noShareAboveAnotherUnlessCapped() {
        randomFleets((seed, accounts, caps) -> {
            int processes = caps.size();
            long capacity = caps.stream().mapToLong(Integer::longValue).sum();
            int[] shares = caps.stream().mapToInt(c -> WatchingFleet.share(accounts, caps, c)).toArray();
            long owed = caps.stream().mapToLong(c -> WatchingFleet.share(accounts, caps, c, false)).sum();
            assertThat(owed).as("seed %d: the rounded-down shares never ask for more than there is", seed)
                    .isLessThanOrEqualTo(accounts);
            long room = 0;
            int maxShare = 0;
            for (int i = 0; i < processes; i++) {
                assertThat(shares[i]).as("seed %d: share within capacity", seed).isBetween(0, caps.get(i));
                room += shares[i];
                maxShare = Math.max(maxShare, shares[i]);
            }
            assertThat(room).as("seed %d: room for every account %s %d", seed, caps, accounts)
                    .isGreaterThanOrEqualTo(Math.min(accounts, capacity));
            for (int i = 0; i < processes; i++) {
                if (shares[i] < maxShare) {
                    assertThat(shares[i]).as("seed %d: a smaller share only where the capacity is reached", seed)
                            .isEqualTo(caps.get(i));
                }
            }
            if (capacity >= accounts) {
                // rounding up gives each process at most one account more than an exact split would
                assertThat(room).as("seed %d: no more room than one account a process beyond the accounts", seed)
                        .isLessThan((long) accounts + processes);
            }
        });
    }
}
