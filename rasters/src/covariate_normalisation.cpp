// SPDX-License-Identifier: MIT
// CovariateStack: z-score statistics (fit, apply) and normalised sampling (SINR-exact variant).
#include "covariate_stack_impl.h"

#include <geoinr/core/error.h>

#include <fmt/format.h>

#include <cmath>

namespace geoinr::rasters
{
namespace
{

void checkShape(const std::vector<double>& samples, std::size_t width, const char* what)
{
    if (width == 0 || samples.size() % width != 0)
    {
        throw InvalidArgument(fmt::format("{}: {} values is not a multiple of the {} features",
                                          what, samples.size(), width));
    }
}

bool completeRow(const double* row, std::size_t width)
{
    for (std::size_t f = 0; f < width; ++f)
    {
        if (std::isnan(row[f]))
        {
            return false;
        }
    }
    return true;
}

} // namespace

void CovariateStack::fitNormalisation(const std::vector<double>& samples)
{
    const std::size_t width = m_impl->numFeatures();
    checkShape(samples, width, "fitNormalisation");
    const std::size_t n = samples.size() / width;
    std::vector<double> sum(width, 0.0);
    std::size_t count = 0;
    for (std::size_t i = 0; i < n; ++i)
    {
        const double* row = samples.data() + i * width;
        if (!completeRow(row, width))
        {
            continue;
        }
        ++count;
        for (std::size_t f = 0; f < width; ++f)
        {
            sum[f] += row[f];
        }
    }
    if (count == 0)
    {
        // Name the covariates that are empty everywhere (e.g. a raster without valid pixels in
        // the sampled area): that is what the user has to fix.
        const auto names = featureNames();
        std::vector<std::string> empty;
        for (std::size_t f = 0; f < width; ++f)
        {
            bool any = false;
            for (std::size_t i = 0; i < n && !any; ++i)
            {
                any = std::isfinite(samples[i * width + f]);
            }
            if (!any)
            {
                empty.push_back(names[f]);
            }
        }
        throw InvalidArgument(fmt::format(
            "covariates: none of {} sampled locations has a value for every covariate{}", n,
            empty.empty() ? std::string(" (their valid areas do not overlap)")
                          : fmt::format("; no valid pixel at all in: {}", fmt::join(empty, ", "))));
    }
    std::vector<double> mean(width);
    std::vector<double> sq(width, 0.0);
    for (std::size_t f = 0; f < width; ++f)
    {
        mean[f] = sum[f] / static_cast<double>(count);
    }
    for (std::size_t i = 0; i < n; ++i)
    {
        const double* row = samples.data() + i * width;
        if (!completeRow(row, width))
        {
            continue;
        }
        for (std::size_t f = 0; f < width; ++f)
        {
            sq[f] += (row[f] - mean[f]) * (row[f] - mean[f]);
        }
    }
    std::vector<double> stddev(width);
    for (std::size_t f = 0; f < width; ++f)
    {
        stddev[f] = std::sqrt(sq[f] / static_cast<double>(count)); // population std
        if (m_impl->oneHot[f])
        {
            mean[f] = 0.0;
            stddev[f] = 1.0;
        }
        else if (!(stddev[f] > 0.0))
        {
            stddev[f] = 1.0;
        }
    }
    m_impl->mean = std::move(mean);
    m_impl->stddev = std::move(stddev);
}

bool CovariateStack::hasNormalisation() const
{
    return !m_impl->mean.empty();
}

const std::vector<double>& CovariateStack::mean() const
{
    return m_impl->mean;
}

const std::vector<double>& CovariateStack::stddev() const
{
    return m_impl->stddev;
}

void CovariateStack::normalise(std::vector<double>& samples) const
{
    m_impl->requireNormalisation("normalise");
    const std::size_t width = m_impl->numFeatures();
    checkShape(samples, width, "normalise");
    for (std::size_t i = 0; i < samples.size(); ++i)
    {
        const std::size_t f = i % width;
        if (!m_impl->oneHot[f])
        {
            samples[i] = (samples[i] - m_impl->mean[f]) / m_impl->stddev[f];
        }
    }
}

std::vector<double> CovariateStack::sampleNormalised(const std::vector<double>& lon,
                                                     const std::vector<double>& lat,
                                                     Resampling resampling) const
{
    m_impl->requireNormalisation("sampleNormalised");
    if (resampling != Resampling::SinrCompat)
    {
        std::vector<double> out = sample(lon, lat, resampling);
        normalise(out);
        return out;
    }
    // SINR z-scores the raster, sets NaN to 0, then interpolates: do the same per corner.
    m_impl->checkPoints(lon, lat);
    const std::size_t width = m_impl->numFeatures();
    std::vector<double> out(lon.size() * width, 0.0);
    for (std::size_t l = 0; l < m_impl->layers.size(); ++l)
    {
        const std::size_t f = m_impl->firstFeature[l];
        if (m_impl->specs[l].categorical)
        {
            m_impl->sampleOneHot(l, lon, lat, out);
        }
        else
        {
            m_impl->layers[l].sampleSinrNormalised(lon, lat, m_impl->mean[f], m_impl->stddev[f],
                                                   out.data() + f, width);
        }
    }
    for (double& v : out)
    {
        v = std::isnan(v) ? 0.0 : v; // one-hot at nodata: no category, as SINR's NaN -> 0
    }
    return out;
}

} // namespace geoinr::rasters
