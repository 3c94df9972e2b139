// SPDX-License-Identifier: MIT
#include "process_group.h"

#include <geoinr/core/error.h>

#include <fmt/format.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>

namespace geoinr::core::training
{

struct ProcessGroup::Impl
{
    DistributedOptions options;
    c10::intrusive_ptr<c10d::TCPStore> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;

    /** Waits for a collective; a failure names this rank, the operation and the likely cause. */
    void wait(const c10::intrusive_ptr<c10d::Work>& work, const char* what) const
    {
        try
        {
            work->wait();
        }
        catch (const std::exception& e)
        {
            throw Error(fmt::format(
                "distributed: rank {} of {}: {} failed ({}); another rank stopped, failed or "
                "did not answer within {} s",
                options.rank, options.worldSize, what, e.what(), options.timeoutSeconds));
        }
    }
};

ProcessGroup::ProcessGroup(const DistributedOptions& options) : m_impl(std::make_unique<Impl>())
{
    validateDistributed(options);
    m_impl->options = options;
    const auto timeout = std::chrono::seconds(options.timeoutSeconds);
    try
    {
        c10d::TCPStoreOptions storeOptions;
        storeOptions.port = static_cast<std::uint16_t>(options.masterPort);
        storeOptions.isServer = options.rank == 0;
        storeOptions.numWorkers = options.worldSize;
        storeOptions.timeout = timeout;
        m_impl->store = c10::make_intrusive<c10d::TCPStore>(options.masterAddr, storeOptions);
        auto glooOptions = c10d::ProcessGroupGloo::Options::create();
        glooOptions->timeout = timeout;
        glooOptions->devices.push_back(
            c10d::ProcessGroupGloo::createDeviceForHostname(options.masterAddr));
        m_impl->group = c10::make_intrusive<c10d::ProcessGroupGloo>(m_impl->store, options.rank,
                                                                    options.worldSize, glooOptions);
    }
    catch (const std::exception& e)
    {
        throw Error(fmt::format("distributed: rank {} of {} could not join the group at {}:{} "
                                "within {} s: {}",
                                options.rank, options.worldSize, options.masterAddr,
                                options.masterPort, options.timeoutSeconds, e.what()));
    }
}

ProcessGroup::~ProcessGroup() = default;

int ProcessGroup::rank() const
{
    return m_impl->options.rank;
}

int ProcessGroup::worldSize() const
{
    return m_impl->options.worldSize;
}

void ProcessGroup::allReduceSum(const std::vector<torch::Tensor>& tensors)
{
    constexpr std::int64_t kBucketElements = 4 << 20; // 16 MiB of float32
    std::vector<std::vector<torch::Tensor>> buckets(1);
    std::int64_t filled = 0;
    for (const auto& t : tensors)
    {
        if (filled > 0 && filled + t.numel() > kBucketElements)
        {
            buckets.emplace_back();
            filled = 0;
        }
        buckets.back().push_back(t);
        filled += t.numel();
    }
    std::vector<std::vector<at::Tensor>> flats;
    std::vector<c10::intrusive_ptr<c10d::Work>> works;
    for (const auto& bucket : buckets)
    {
        std::vector<torch::Tensor> parts;
        for (const auto& t : bucket)
        {
            parts.push_back(t.reshape({-1}));
        }
        flats.push_back({torch::cat(parts)});
        works.push_back(m_impl->group->allreduce(flats.back()));
    }
    for (std::size_t b = 0; b < buckets.size(); ++b)
    {
        m_impl->wait(works[b], "all-reduce of the gradients");
        std::int64_t offset = 0;
        for (const auto& t : buckets[b])
        {
            t.copy_(flats[b][0].narrow(0, offset, t.numel()).view_as(t));
            offset += t.numel();
        }
    }
}

torch::Tensor ProcessGroup::allGatherRows(const torch::Tensor& local)
{
    const auto world = worldSize();
    // Row counts first, then every rank's rows padded to the largest count.
    std::vector<at::Tensor> count = {torch::tensor({local.size(0)}, torch::kLong)};
    std::vector<std::vector<at::Tensor>> counts(1);
    for (int r = 0; r < world; ++r)
    {
        counts[0].push_back(torch::empty({1}, torch::kLong));
    }
    m_impl->wait(m_impl->group->allgather(counts, count), "gathering row counts");
    std::int64_t most = 0;
    for (const auto& c : counts[0])
    {
        most = std::max(most, c.item<std::int64_t>());
    }
    auto shape = local.sizes().vec();
    shape[0] = most;
    auto padded = torch::zeros(shape, local.options());
    padded.narrow(0, 0, local.size(0)).copy_(local);
    std::vector<at::Tensor> mine = {padded};
    std::vector<std::vector<at::Tensor>> all(1);
    for (int r = 0; r < world; ++r)
    {
        all[0].push_back(torch::empty(shape, local.options()));
    }
    m_impl->wait(m_impl->group->allgather(all, mine), "gathering rows");
    std::vector<torch::Tensor> parts;
    for (int r = 0; r < world; ++r)
    {
        parts.push_back(all[0][r].narrow(0, 0, counts[0][r].item<std::int64_t>()));
    }
    return torch::cat(parts, 0);
}

void ProcessGroup::broadcastFromRank0(const std::vector<torch::Tensor>& tensors)
{
    for (const auto& t : tensors)
    {
        std::vector<at::Tensor> one = {t.contiguous()};
        m_impl->wait(m_impl->group->broadcast(one), "broadcast of the initial weights");
        if (!t.is_contiguous() || one[0].data_ptr() != t.data_ptr())
        {
            t.copy_(one[0]);
        }
    }
}

void ProcessGroup::barrier()
{
    m_impl->wait(m_impl->group->barrier(), "barrier");
}

} // namespace geoinr::core::training
