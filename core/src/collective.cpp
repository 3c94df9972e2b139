// SPDX-License-Identifier: MIT
#include "training/process_group.h"

#include <geoinr/core/collective.h>

namespace geoinr::core
{

Collective::Collective(const DistributedOptions& options)
    : m_group(std::make_unique<training::ProcessGroup>(options))
{
}

Collective::~Collective() = default;

void Collective::barrier()
{
    m_group->barrier();
}

} // namespace geoinr::core
