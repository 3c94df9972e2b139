// SPDX-License-Identifier: MIT
#include "predictor_cache.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <mutex>

namespace geoinr::gdal_driver
{
namespace
{

std::string cacheKey(const std::string& checkpoint, const rasters::GridPredictorOptions& o)
{
    std::error_code ec;
    const auto path = std::filesystem::absolute(checkpoint, ec).lexically_normal();
    const auto size = std::filesystem::file_size(path, ec);
    const auto time = std::filesystem::last_write_time(path, ec).time_since_epoch().count();
    const nlohmann::json options = {{"species", o.species},
                                    {"output", rasters::rangeOutputName(o.output)},
                                    {"threshold", o.threshold},
                                    {"mask", o.mask},
                                    {"covariates", o.covariatePaths}};
    return fmt::format("{}|{}|{}|{}", path.string(), size, time, options.dump());
}

} // namespace

std::shared_ptr<const rasters::GridPredictor>
sharedPredictor(const std::string& checkpoint, const rasters::GridPredictorOptions& options)
{
    static std::mutex mutex;
    static std::map<std::string, std::weak_ptr<const rasters::GridPredictor>> cache;
    const auto key = cacheKey(checkpoint, options);
    std::lock_guard<std::mutex> lock(mutex);
    if (auto alive = cache[key].lock())
    {
        return alive;
    }
    auto loaded = std::make_shared<const rasters::GridPredictor>(checkpoint, options);
    cache[key] = loaded;
    return loaded;
}

} // namespace geoinr::gdal_driver
