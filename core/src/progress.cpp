// SPDX-License-Identifier: MIT
#include <geoinr/core/error.h>
#include <geoinr/core/progress.h>

namespace geoinr::core
{

void reportProgress(const ProgressSink& sink, double fraction, const std::string& message)
{
    if (sink && !sink(fraction, message))
    {
        throw Cancelled("cancelled at " + std::to_string(static_cast<int>(fraction * 100)) +
                        "%: " + message);
    }
}

} // namespace geoinr::core
