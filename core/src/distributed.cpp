// SPDX-License-Identifier: MIT
#include <geoinr/core/distributed.h>
#include <geoinr/core/error.h>

#include <fmt/format.h>

#include <cstdlib>
#include <string>

namespace geoinr::core
{
namespace
{

/** The first of `names` that is set, as an integer; `fallback` when none is. */
int intFromEnvironment(std::initializer_list<const char*> names, int fallback)
{
    for (const char* name : names)
    {
        const char* value = std::getenv(name);
        if (value == nullptr || *value == '\0')
        {
            continue;
        }
        char* end = nullptr;
        const long v = std::strtol(value, &end, 10);
        if (end == value || *end != '\0' || v < 0 || v > 1'000'000)
        {
            throw InvalidArgument(
                fmt::format("environment {}='{}': expected a non-negative integer", name, value));
        }
        return static_cast<int>(v);
    }
    return fallback;
}

} // namespace

DistributedOptions distributedFromEnvironment()
{
    DistributedOptions o;
    o.worldSize = intFromEnvironment({"WORLD_SIZE", "SLURM_NTASKS"}, 1);
    o.rank = intFromEnvironment({"RANK", "SLURM_PROCID"}, 0);
    if (const char* addr = std::getenv("MASTER_ADDR"); addr != nullptr && *addr != '\0')
    {
        o.masterAddr = addr;
    }
    o.masterPort = intFromEnvironment({"MASTER_PORT"}, o.masterPort);
    o.timeoutSeconds = intFromEnvironment({"GEOINR_DIST_TIMEOUT"}, o.timeoutSeconds);
    return o;
}

void validateDistributed(const DistributedOptions& o)
{
    if (o.worldSize < 1)
    {
        throw InvalidArgument(fmt::format("--world-size {}: expected at least 1", o.worldSize));
    }
    if (o.rank < 0 || o.rank >= o.worldSize)
    {
        throw InvalidArgument(fmt::format("--rank {}: expected 0..{} for a world of {}", o.rank,
                                          o.worldSize - 1, o.worldSize));
    }
    if (o.masterPort < 1 || o.masterPort > 65535)
    {
        throw InvalidArgument(fmt::format("--master-port {}: expected 1..65535", o.masterPort));
    }
    if (o.timeoutSeconds < 1)
    {
        throw InvalidArgument(
            fmt::format("--dist-timeout {}: expected at least 1 second", o.timeoutSeconds));
    }
}

std::pair<std::size_t, std::size_t> shardRange(std::size_t n, int rank, int worldSize)
{
    const auto w = static_cast<std::size_t>(worldSize);
    const auto r = static_cast<std::size_t>(rank);
    // The first n % w ranks get one more record.
    const auto base = n / w, extra = n % w;
    const auto begin = r * base + std::min(r, extra);
    return {begin, begin + base + (r < extra ? 1 : 0)};
}

} // namespace geoinr::core
