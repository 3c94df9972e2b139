// SPDX-License-Identifier: MIT
// A torch-free handle on the process group for front ends that only need to meet (distributed
// prediction: every rank writes its part, then rank 0 joins them).
#pragma once

#include <geoinr/core/distributed.h>

#include <memory>

namespace geoinr::core
{

namespace training
{
class ProcessGroup;
}

class Collective
{
  public:
    /** Joins the group; throws Error when the others do not arrive within the timeout. */
    explicit Collective(const DistributedOptions& options);
    ~Collective();
    Collective(const Collective&) = delete;
    Collective& operator=(const Collective&) = delete;

    /** Returns when every rank has called it; throws Error when a rank died (its connection
     *  closed) or the timeout passed. */
    void barrier();

  private:
    std::unique_ptr<training::ProcessGroup> m_group;
};

} // namespace geoinr::core
