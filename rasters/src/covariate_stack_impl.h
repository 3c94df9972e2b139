// SPDX-License-Identifier: MIT
// Private: the state behind CovariateStack, shared by its implementation files.
#pragma once

#include "raster_layer.h"

#include <geoinr/rasters/covariates.h>

#include <cstddef>
#include <string>
#include <vector>

namespace geoinr::rasters
{

struct CovariateStack::Impl
{
    std::vector<CovariateSpec> specs;        ///< one per layer, levels filled in
    std::vector<detail::RasterLayer> layers; ///< same order as specs
    std::vector<std::size_t> firstFeature;   ///< per layer: its first feature column
    std::vector<std::string> features;       ///< after one-hot expansion
    std::vector<bool> oneHot;                ///< per feature
    std::vector<double> mean;                ///< per feature; empty until fitted
    std::vector<double> stddev;              ///< per feature; empty until fitted

    std::size_t numFeatures() const { return features.size(); }
    void requireNormalisation(const std::string& what) const;
    void checkPoints(const std::vector<double>& lon, const std::vector<double>& lat) const;
    /** Writes the 0/1 columns of categorical layer `layer` into out ([n x features]). */
    void sampleOneHot(std::size_t layer, const std::vector<double>& lon,
                      const std::vector<double>& lat, std::vector<double>& out) const;
};

} // namespace geoinr::rasters
