package dev.mailkit.fleet;

import java.util.Objects;

/**
 * A live watching worker as the fleet's database sees it.
 *
 * @param worker   its name
 * @param capacity the most accounts it watches ({@link SyncFleet.Builder#watch(int)})
 * @param held     how many accounts it holds now
 */
public record WorkerLoad(String worker, int capacity, int held) {

    /**
     * Validates.
     *
     * @param worker   its name
     * @param capacity the most accounts it watches
     * @param held     how many accounts it holds now
     * @throws NullPointerException if worker is null
     */
    public WorkerLoad {
        Objects.requireNonNull(worker, "worker");
    }
}
