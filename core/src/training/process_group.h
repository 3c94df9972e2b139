// SPDX-License-Identifier: MIT
// The collectives data-parallel training needs, on LibTorch's c10d::ProcessGroupGloo with a
// TCPStore at MASTER_ADDR:MASTER_PORT (the engine behind PyTorch's DistributedDataParallel).
// Every failure (a rank gone, a timeout) becomes a geoinr::Error saying which rank saw what.
#pragma once

#include <geoinr/core/distributed.h>

#include <torch/types.h>

#include <memory>
#include <vector>

namespace geoinr::core::training
{

class ProcessGroup
{
  public:
    /** Joins the group (rank 0 hosts the store); throws Error when the others do not arrive
     *  within the timeout. */
    explicit ProcessGroup(const DistributedOptions& options);
    ~ProcessGroup();
    ProcessGroup(const ProcessGroup&) = delete;
    ProcessGroup& operator=(const ProcessGroup&) = delete;

    int rank() const;
    int worldSize() const;

    /**
     * Sums float32 tensors element-wise over the ranks, in place. They are packed into flat
     * buckets of about 16 MiB, each reduced by one collective (all in flight at once).
     */
    void allReduceSum(const std::vector<torch::Tensor>& tensors);

    /** Rows of every rank's `local` ([n_r, ...], n_r may differ, even be 0), concatenated in
     *  rank order. Same dtype and trailing shape on every rank. */
    torch::Tensor allGatherRows(const torch::Tensor& local);

    /** Copies rank 0's values into `tensors` on every rank. */
    void broadcastFromRank0(const std::vector<torch::Tensor>& tensors);

    void barrier();

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace geoinr::core::training
