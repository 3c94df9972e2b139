// SPDX-License-Identifier: MIT
// Data-parallel runs on LibTorch's c10d (Gloo over TCP), torch-free view: who this process is in
// the group, how it finds the others, and which contiguous share of the records it owns.
#pragma once

#include <cstddef>
#include <string>
#include <utility>

namespace geoinr::core
{

struct DistributedOptions
{
    int rank = 0;
    int worldSize = 1;                    ///< 1 = a single process (no group)
    std::string masterAddr = "127.0.0.1"; ///< rank 0's host (runs the TCP store)
    int masterPort = 29500;               ///< TCP store port on masterAddr
    int timeoutSeconds = 300;             ///< a rank that stops answering fails the others then

    bool enabled() const { return worldSize > 1; }
};

/**
 * From the launcher's environment, as torchrun and Slurm wrappers set it: WORLD_SIZE, RANK,
 * MASTER_ADDR, MASTER_PORT (falling back to SLURM_NTASKS / SLURM_PROCID for the first two), and
 * GEOINR_DIST_TIMEOUT (seconds). Unset variables keep the defaults above. Throws InvalidArgument
 * naming the variable for a value that is not a number or out of range.
 */
DistributedOptions distributedFromEnvironment();

/** Throws InvalidArgument (naming --world-size, --rank, --master-port) for impossible values. */
void validateDistributed(const DistributedOptions& options);

/** Records [begin, end) of `n` that `rank` of `worldSize` owns: contiguous, sizes differ by <= 1,
 *  concatenated in rank order they give 0..n-1 (the order of a single-process run). */
std::pair<std::size_t, std::size_t> shardRange(std::size_t n, int rank, int worldSize);

} // namespace geoinr::core
