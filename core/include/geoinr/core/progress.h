// SPDX-License-Identifier: MIT
// Progress reporting without GDAL or Qt: front ends adapt this to GDALProgressFunc,
// QgsProcessingFeedback or a terminal bar.
#pragma once

#include <functional>
#include <string>

namespace geoinr::core
{

/** Called with the fraction done (0..1) and a short message; return false to cancel. */
using ProgressSink = std::function<bool(double fraction, const std::string& message)>;

/** Calls `sink` when set; throws geoinr::Cancelled when it returns false. */
void reportProgress(const ProgressSink& sink, double fraction, const std::string& message);

} // namespace geoinr::core
